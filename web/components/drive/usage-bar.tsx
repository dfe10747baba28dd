'use client';
// The room used against the quota: a bar (red past 90 %) and "x of y used". Trash counts.
import { Progress } from 'semantic-ui-react';
import { formatBytes } from '../../lib/format-bytes';

export function UsageBar({ usage }: { usage: { usedBytes: number; quotaBytes: number } }) {
  return (
    <div className="pc-usage" aria-label="Storage used">
      <Progress percent={Math.min(100, (usage.usedBytes / Math.max(1, usage.quotaBytes)) * 100)} size="tiny" color={usage.usedBytes > usage.quotaBytes * 0.9 ? 'red' : 'teal'} />
      <span className="pc-muted">
        {formatBytes(usage.usedBytes)} of {formatBytes(usage.quotaBytes)} used
      </span>
    </div>
  );
}
