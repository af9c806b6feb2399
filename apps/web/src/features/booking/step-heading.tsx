import type { ReactNode, RefObject } from 'react';

/** A step's title; focus moves here when the step changes. */
export function StepHeading({
  headingRef,
  step,
  of,
  children,
  onBack,
}: {
  headingRef: RefObject<HTMLHeadingElement | null>;
  step?: number;
  of?: number;
  children: ReactNode;
  onBack?: () => void;
}) {
  return (
    <div className="step-head">
      {onBack && (
        <button type="button" className="btn btn-back" onClick={onBack}>
          <span aria-hidden="true">‹ </span>Back
        </button>
      )}
      {step !== undefined && of !== undefined && (
        <p className="step-count">
          Step {step} of {of}
        </p>
      )}
      <h2 ref={headingRef} tabIndex={-1} className="step-title">
        {children}
      </h2>
    </div>
  );
}
