'use client';
// A button that opens the browser's file chooser for several files at once and hands over the
// files chosen (the drive's Upload, the mail composer's Attach files). The hidden input carries
// `inputLabel`, so tests and assistive tools can reach it.
import { useRef } from 'react';
import { Button, type ButtonProps } from 'semantic-ui-react';

export function FilePickerButton({ inputLabel, onFiles, ...button }: ButtonProps & { inputLabel: string; onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <Button type="button" {...button} onClick={() => input.current?.click()} />
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label={inputLabel}
        onChange={(e) => {
          const chosen = [...(e.target.files ?? [])];
          // Cleared, so choosing the same file again is a change too.
          e.target.value = '';
          if (chosen.length > 0) onFiles(chosen);
        }}
      />
    </>
  );
}
