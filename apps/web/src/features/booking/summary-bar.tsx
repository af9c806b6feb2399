import type { ReactNode } from 'react';

/** The sticky bar at the bottom of the screen: what is chosen so far and one action button ("Continue"). */
export function SummaryBar({
  children,
  canContinue,
  onContinue,
  actionLabel = 'Continue',
  busy = false,
}: {
  children: ReactNode;
  canContinue: boolean;
  onContinue: () => void;
  actionLabel?: string;
  busy?: boolean;
}) {
  return (
    <div className="summary-bar" data-testid="summary-bar">
      <div className="summary-bar-inner">
        <div className="summary-text" aria-live="polite">
          {children}
        </div>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!canContinue}
          aria-busy={busy || undefined}
          onClick={onContinue}
        >
          {actionLabel}
        </button>
      </div>
    </div>
  );
}
