/** The latency plot: one line per variant, run by run (chart.js, only the parts we use). */
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

const VARIANT_COLORS: Record<string, string> = { fp32: '#2f5bea', int8: '#e0742b', fp16: '#19a463', q4: '#9b4dca' };

export class LatencyChart {
  private chart: Chart<'line', number[], string> | undefined;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  show(series: { label: string; values: number[] }[]): void {
    this.canvas.parentElement!.classList.toggle('empty', !series.some((s) => s.values.length));
    const runs = Math.max(0, ...series.map((s) => s.values.length));
    const datasets = series.map((s) => ({
      label: s.label,
      data: s.values.map((v) => Math.round(v * 10) / 10),
      borderColor: VARIANT_COLORS[s.label] ?? '#555',
      backgroundColor: VARIANT_COLORS[s.label] ?? '#555',
      tension: 0,
      pointRadius: 3,
    }));
    const labels = Array.from({ length: runs }, (_, i) => `${i + 1}`);
    if (this.chart) {
      this.chart.data.labels = labels;
      this.chart.data.datasets = datasets;
      this.chart.update();
      return;
    }
    this.chart = new Chart(this.canvas, {
      type: 'line',
      data: { labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { title: { display: true, text: 'steady-state run' } },
          y: { title: { display: true, text: 'ms' }, beginAtZero: true },
        },
        plugins: { legend: { position: 'top', align: 'end' } },
      },
    });
  }

  clear(): void {
    this.canvas.parentElement!.classList.add('empty');
    this.chart?.destroy();
    this.chart = undefined;
  }
}
