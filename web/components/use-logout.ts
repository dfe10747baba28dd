'use client';
// Log out: ends every session of the user on the server, forgets cached data, and goes to the
// login page with a full navigation.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { logout } from '../lib/queries/auth';

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSuccess: () => {
      queryClient.clear();
      window.location.assign('/');
    },
  });
}
