'use client';
// "12.3 MB of 1 GB used", in warning colours near and at the quota.
import { formatBytes } from '../../lib/format-bytes';

export function QuotaMeter({ usedBytes, quotaBytes }: { usedBytes: number; quotaBytes: number }) {
  const share = quotaBytes > 0 ? usedBytes / quotaBytes : 0;
  const tone = share >= 1 ? 'pc-quota-full' : share >= 0.9 ? 'pc-quota-near' : '';
  return (
    <span className={`pc-muted pc-mail-quota ${tone}`} data-testid="mail-quota" title={share >= 1 ? 'Your mailbox is full: new mail is refused until you delete some.' : undefined}>
      {formatBytes(usedBytes)} of {formatBytes(quotaBytes)} used
    </span>
  );
}
