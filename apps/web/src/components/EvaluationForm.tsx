import { useState, type FormEvent } from 'react';
import type { GoalView, Rating } from '../api/models';
import { ErrorMessage } from './common';

const RATINGS: Rating[] = ['○', '△', '×'];
const RATING_LABEL: Record<Rating, string> = { '○': '○ 達成', '△': '△ 一部達成', '×': '× 未達成' };

export interface EvaluationInput {
  rating: Rating;
  status?: string;
  policy?: string;
  reason?: string;
}

/** 評価 of one goal, for those who may evaluate: the suggested rating shown, a reason required when the person's differs. */
export function EvaluationForm({ goal, onSave }: { goal: GoalView; onSave: (input: EvaluationInput) => Promise<void> }) {
  const [rating, setRating] = useState<Rating | undefined>(goal.evaluation?.rating);
  const [status, setStatus] = useState(goal.evaluation?.status ?? '');
  const [policy, setPolicy] = useState(goal.evaluation?.policy ?? '');
  const [reason, setReason] = useState(goal.evaluation?.reason ?? '');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const id = `evaluation-${goal.goalId}`;
  const differs = rating !== undefined && goal.suggestedRating !== null && rating !== goal.suggestedRating;
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!rating) return;
    setError(undefined);
    setSaved(false);
    try {
      await onSave({ rating, ...(status && { status }), ...(policy && { policy }), ...(reason && { reason }) });
      setSaved(true);
    } catch (failure) {
      setError(failure);
    }
  }
  return (
    <form className="evaluation" onSubmit={(event) => void submit(event)} aria-labelledby={`${id}-legend`}>
      <fieldset>
        <legend id={`${id}-legend`}>目標{goal.no}の評価</legend>
        <p>
          提案される評価：<strong>{goal.suggestedRating ?? 'なし（人が判断）'}</strong>
        </p>
        <div className="ratings">
          {RATINGS.map((r) => (
            <label key={r}>
              <input type="radio" name={`${id}-rating`} value={r} checked={rating === r} onChange={() => setRating(r)} required />
              {RATING_LABEL[r]}
            </label>
          ))}
        </div>
        <div className="field">
          <label htmlFor={`${id}-status`}>達成状況</label>
          <textarea id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value)} rows={2} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-policy`}>今後の方針</label>
          <textarea id={`${id}-policy`} value={policy} onChange={(e) => setPolicy(e.target.value)} rows={2} />
        </div>
        {differs && (
          <div className="field">
            <label htmlFor={`${id}-reason`}>提案と異なる評価の理由（必須）</label>
            <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} required aria-required="true" />
          </div>
        )}
        <button type="submit">評価を保存</button>
        {saved && <p role="status">評価を保存しました。</p>}
        {error !== undefined && <ErrorMessage error={error} />}
      </fieldset>
    </form>
  );
}
