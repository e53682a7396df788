// The status-image composer of the admin console: draws an announcement (several lines, any
// language, emoji) on a canvas in the site's style, with the kind, the time and the site's name,
// and turns it into the PNG that is posted. Only the admins' bundle imports it (wasm-bindgen
// raw_module), so visitors never download it.

export const WIDTH = 1200;
export const HEIGHT = 300;

const KINDS = {
  info: { bg: '#eef4ff', bar: '#2f6fde', ink: '#0d2a5c', mark: 'i' },
  warning: { bg: '#fff4d6', bar: '#c27c00', ink: '#4a3300', mark: '!' },
  resolved: { bg: '#e7f6ec', bar: '#2e8b57', ink: '#0f3b22', mark: '✓' },
};
const FONT = 'system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK JP", "Hiragino Sans", sans-serif, "Noto Color Emoji", "Apple Color Emoji"';

/// Graphemes, so that an emoji sequence or a letter with marks is never cut in two.
function graphemes(text) {
  if (typeof Intl !== 'undefined' && Intl.Segmenter) {
    return [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);
  }
  return [...text];
}

/// Lines of `text` that fit `width`: the author's own line breaks, then a break at the last space
/// that fits, or between any two graphemes where there is none (Japanese has no spaces).
function wrap(ctx, text, width) {
  const lines = [];
  for (const para of text.split('\n')) {
    let line = '';
    let lastSpace = -1;
    for (const g of graphemes(para)) {
      const next = line + g;
      if (ctx.measureText(next).width <= width || line === '') {
        line = next;
        if (/\s/.test(g)) lastSpace = line.length;
        continue;
      }
      if (lastSpace > 0 && !/\s/.test(g)) {
        lines.push(line.slice(0, lastSpace).trimEnd());
        line = line.slice(lastSpace) + g;
      } else {
        lines.push(line.trimEnd());
        line = /\s/.test(g) ? '' : g;
      }
      lastSpace = -1;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/// Draws the announcement on `canvas` (made WIDTH×HEIGHT). `kind`: info | warning | resolved;
/// `label`: the kind in the UI's language; `locale`: for the time (en, ja, …).
export function draw(canvas, message, kind, label, locale, site) {
  const k = KINDS[kind] || KINDS.info;
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = k.bg;
  ctx.fillRect(0, 0, WIDTH, HEIGHT);
  ctx.fillStyle = k.bar;
  ctx.fillRect(0, 0, 16, HEIGHT);

  // The kind's mark, a white sign on a disc of its colour.
  ctx.beginPath();
  ctx.arc(92, 92, 40, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#ffffff';
  ctx.font = `700 48px ${FONT}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(k.mark, 92, 94);

  // The kind, and on the right the time and the site.
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = k.bar;
  ctx.font = `700 28px ${FONT}`;
  ctx.fillText(label, 152, 84);
  const time = new Date().toLocaleString(locale || undefined, { dateStyle: 'medium', timeStyle: 'short' });
  ctx.textAlign = 'right';
  ctx.fillStyle = k.ink;
  ctx.font = `400 24px ${FONT}`;
  ctx.fillText(`${time} · ${site}`, WIDTH - 40, 84);

  // The message: as large as fits in the space left, down to 24 px, then cut with an ellipsis.
  ctx.textAlign = 'left';
  ctx.fillStyle = k.ink;
  const box = { x: 152, y: 112, w: WIDTH - 152 - 40, h: HEIGHT - 112 - 28 };
  let size = 44;
  let lines;
  for (;;) {
    ctx.font = `600 ${size}px ${FONT}`;
    lines = wrap(ctx, message.trim() || ' ', box.w);
    if (lines.length * size * 1.25 <= box.h || size <= 24) break;
    size -= 2;
  }
  const fit = Math.max(1, Math.floor(box.h / (size * 1.25)));
  if (lines.length > fit) {
    lines = lines.slice(0, fit);
    let last = lines[fit - 1];
    while (last && ctx.measureText(last + '…').width > box.w) last = graphemes(last).slice(0, -1).join('');
    lines[fit - 1] = last + '…';
  }
  lines.forEach((line, i) => ctx.fillText(line, box.x, box.y + size + i * size * 1.25));
}

/// The canvas as a PNG file, for the announcement form.
export function toFile(canvas) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (blob) resolve(new File([blob], 'announcement.png', { type: 'image/png' }));
      else reject(new Error('the canvas could not be made into a PNG'));
    }, 'image/png');
  });
}
