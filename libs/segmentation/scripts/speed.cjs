/**
 * Speed and memory of the segmentation (not a test): generates one phantom per size, runs
 * segmentImage REPS times (default 7) and prints the best and median wall time, the best CPU time
 * (process.cpuUsage, less sensitive to other processes on a shared machine) per stage, and the
 * resident memory the full-field run adds above the loaded image.
 *
 * Run after a build: `npm run -s build && node libs/segmentation/scripts/speed.cjs [--reps N]`.
 */
const { generatePhantom, phantomSpec, toGrayImage } = require('../../phantom/dist/index.js');
const { segmentImage } = require('../dist/index.js');

const repsArg = process.argv.indexOf('--reps');
const reps = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 7;

function measure(label, image) {
  const walls = [];
  const cpuBest = {};
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  for (let i = 0; i < reps; i++) {
    const cpu0 = process.cpuUsage();
    const result = segmentImage(image);
    const cpu = process.cpuUsage(cpu0);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    walls.push(result.timingsMs.total);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    cpuBest.total = Math.min(cpuBest.total ?? Number.POSITIVE_INFINITY, cpuMs);
    for (const [stage, ms] of Object.entries(result.timingsMs)) {
      if (stage !== 'total') cpuBest[stage] = Math.min(cpuBest[stage] ?? Number.POSITIVE_INFINITY, ms);
    }
  }
  walls.sort((a, b) => a - b);
  const stages = Object.entries(cpuBest)
    .filter(([k]) => k !== 'total')
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(', ');
  console.log(
    `${label} ${image.width}×${image.height}: wall best ${walls[0].toFixed(0)} ms, median ${walls[walls.length >> 1].toFixed(0)} ms; ` +
      `CPU best ${cpuBest.total.toFixed(0)} ms; stage wall bests (ms): ${stages}; ` +
      `RSS +${((rssPeak - rssBefore) / 1e6).toFixed(0)} MB above the loaded image`,
  );
}

for (const size of ['1024', 'full']) {
  const phantom = generatePhantom(phantomSpec({ seed: 42, size, view: 'MLO', lesionType: 'mc+mass' }));
  measure(size, toGrayImage(phantom));
}
