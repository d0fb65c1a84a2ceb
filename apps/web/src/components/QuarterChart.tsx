import type { IndicatorView } from '../api/models';
import { QUARTERS } from '../format';

const W = 220;
const H = 110;
const PAD = { left: 8, right: 8, top: 10, bottom: 18 };

/**
 * The quarters' figures to date against the target and the pace line, as a small SVG: a named
 * image (role="img") whose text alternative says the same in words, so no library is loaded for it.
 */
export function QuarterChart({ indicator }: { indicator: IndicatorView }) {
  const target = indicator.target?.value;
  const points = indicator.progressState.quarters.filter((q) => q.actualToDate !== undefined);
  const cumulative = indicator.measure === 'cumulative';
  const top = Math.max(target ?? 0, ...points.map((p) => p.actualToDate!), 1) * 1.1;
  const x = (q: number) => PAD.left + ((W - PAD.left - PAD.right) * q) / 4;
  const y = (v: number) => H - PAD.bottom - ((H - PAD.top - PAD.bottom) * v) / top;
  const description = [
    target !== undefined ? `目標 ${indicator.target!.text}` : '目標は数値でない',
    ...points.map(
      (p) =>
        `第${p.quarter}四半期 ${p.actualToDate}${p.expectedToDate !== undefined ? `（目安 ${Math.round(p.expectedToDate * 10) / 10}）` : ''}`,
    ),
  ].join('、');
  return (
    <svg className="chart" role="img" aria-label={`${indicator.name}の推移`} viewBox={`0 0 ${W} ${H}`} width={W} height={H}>
      <desc>{description}</desc>
      <line className="axis" x1={x(0)} y1={y(0)} x2={x(4)} y2={y(0)} />
      {QUARTERS.map((q) => (
        <text key={q} className="tick" x={x(q)} y={H - 4} textAnchor="middle">
          {`Q${q}`}
        </text>
      ))}
      {target !== undefined && (
        <>
          <line className="target" x1={x(0)} y1={y(target)} x2={x(4)} y2={y(target)} />
          {cumulative && <line className="pace" x1={x(0)} y1={y(0)} x2={x(4)} y2={y(target)} />}
        </>
      )}
      {points.length > 1 && <polyline className="actual" points={points.map((p) => `${x(p.quarter)},${y(p.actualToDate!)}`).join(' ')} />}
      {points.map((p) => (
        <circle key={p.quarter} className={`point state-${p.state}`} cx={x(p.quarter)} cy={y(p.actualToDate!)} r={3.5} />
      ))}
    </svg>
  );
}
