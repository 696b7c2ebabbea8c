import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A time series as the chart draws it: one array per column, a value per bucket of the range, oldest first (`t`: the bucket's start, ms). */
export interface Series {
  readonly t: readonly number[];
  readonly requests: readonly number[];
  readonly s2xx: readonly number[];
  readonly s3xx: readonly number[];
  readonly s4xx: readonly number[];
  readonly s5xx: readonly number[];
  readonly bytes: readonly number[];
  readonly wafBlocks: readonly number[];
}

/** Requests by status class and WAF blocks over time (uPlot). */
export function Chart({ series }: { series: Series }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current || series.t.length === 0) return;
    const data: uPlot.AlignedData = [series.t.map((t) => t / 1000), [...series.s2xx], [...series.s3xx], [...series.s4xx], [...series.s5xx], [...series.wafBlocks]];
    // Mid-grey axes and a translucent grid read on both themes, even after the theme changes.
    const axis = { stroke: '#8a8f98', grid: { stroke: 'rgb(128 128 128 / 25%)' }, ticks: { stroke: 'rgb(128 128 128 / 40%)' } };
    const plot = new uPlot(
      {
        width: box.current.clientWidth || 800,
        height: 260,
        axes: [axis, axis],
        series: [{}, { label: '2xx', stroke: '#2e7d32' }, { label: '3xx', stroke: '#1565c0' }, { label: '4xx', stroke: '#f9a825' }, { label: '5xx', stroke: '#c62828' }, { label: 'WAF blocks', stroke: '#6a1b9a' }],
      },
      data,
      box.current,
    );
    const node = box.current;
    const resize = new ResizeObserver(() => node.clientWidth > 0 && plot.setSize({ width: node.clientWidth, height: 260 }));
    resize.observe(node);
    return () => (resize.disconnect(), plot.destroy());
  }, [series]);
  return <div ref={box} className="chart" role="img" aria-label="Requests over time by status class, and WAF blocks" />;
}
