import { randomUUID } from 'node:crypto';
import type { AppendContext, NewEvent } from '@shinchoku/event-store';

export const tester: AppendContext = { actor: { id: 'u-test', name: 'テスト 太郎' }, source: 'test' };

export const streamId = (label = 'sheet') => `${label}-${randomUUID()}`;

/** A progress fact shaped like the seeds' (西区 地域課, SNS発信件数). */
export const progress = (value: number, quarter = 1): NewEvent => ({
  type: 'ProgressRecorded',
  data: { indicatorId: 'sns-posts', quarter, value, text: `${value}件` },
});
