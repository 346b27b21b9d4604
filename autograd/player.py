"""A step-through as a page and as an animation: an HTML player of SVG frames, and an animated GIF.

The player is self-contained HTML and a few lines of JavaScript (no widgets library), so it
works in Jupyter, VS Code's notebooks and a notebook exported to HTML: a slider and
previous/next buttons (or the arrow keys) pick the frame. Each player's element id is its
own, so that several can share a page. Without JavaScript (an untrusted notebook, a static
viewer) it shows the first frame. The GIF needs Pillow, and only the GIF does.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json

_players = itertools.count()

_SCRIPT = """
(function () {
  var root = document.getElementById(%(id)s);
  var frames = root.querySelectorAll(".autograd-steps-frame");
  var captions = %(captions)s;
  var slider = root.querySelector(".autograd-steps-slider");
  var counter = root.querySelector(".autograd-steps-counter");
  var caption = root.querySelector(".autograd-steps-caption");
  var current = 0;
  function show(k) {
    current = Math.max(0, Math.min(frames.length - 1, k));
    for (var i = 0; i < frames.length; i++) {
      frames[i].style.display = i === current ? "block" : "none";
    }
    slider.value = current;
    counter.textContent = "Step " + (current + 1) + " of " + frames.length;
    caption.textContent = captions[current];
  }
  root.querySelector(".autograd-steps-previous").onclick = function () { show(current - 1); };
  root.querySelector(".autograd-steps-next").onclick = function () { show(current + 1); };
  slider.oninput = function () { show(parseInt(slider.value, 10)); };
  root.onkeydown = function (event) {
    if (event.key === "ArrowLeft") { show(current - 1); event.preventDefault(); }
    if (event.key === "ArrowRight") { show(current + 1); event.preventDefault(); }
  };
  show(0);
})();
"""


def player_html(svgs: list[bytes], captions: list[str]) -> str:
    """A player of the frames: a div and its script, for a notebook's output or a page's body."""
    digest = hashlib.sha1(b"".join(svgs) + "\n".join(captions).encode()).hexdigest()[:10]
    element = f"autograd-steps-{digest}-{next(_players)}"
    n = len(svgs)
    frames = "\n".join(
        f'<img class="autograd-steps-frame" alt="{html.escape(caption)}" '
        f'style="display:{"block" if k == 0 else "none"}; max-width:100%; height:auto" '
        f'src="data:image/svg+xml;base64,{base64.b64encode(svg).decode("ascii")}">'
        for k, (svg, caption) in enumerate(zip(svgs, captions))
    )
    # "</" would end the script early: JSON allows writing the slash escaped.
    script = _SCRIPT % {"id": json.dumps(element), "captions": json.dumps(captions).replace("</", "<\\/")}
    return (
        f'<div id="{element}" class="autograd-steps" tabindex="0" '
        'style="font-family: Helvetica, Arial, sans-serif; outline: none">\n'
        '<div style="display:flex; gap:0.5em; align-items:center; margin-bottom:0.3em">'
        '<button class="autograd-steps-previous" type="button">◀ previous</button>'
        f'<input class="autograd-steps-slider" type="range" min="0" max="{n - 1}" value="0" step="1" '
        'style="flex:1; max-width:30em">'
        '<button class="autograd-steps-next" type="button">next ▶</button>'
        f'<span class="autograd-steps-counter">Step 1 of {n}</span></div>\n'
        f'<div class="autograd-steps-caption" style="margin-bottom:0.5em">{html.escape(captions[0])}</div>\n'
        f"{frames}\n</div>\n<script>{script}</script>"
    )


def player_page(svgs: list[bytes], captions: list[str], title: str) -> str:
    """A standalone HTML page holding one player."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n"
        f'<h3 style="font-family: Helvetica, Arial, sans-serif">{html.escape(title)}</h3>\n'
        f"{player_html(svgs, captions)}\n</body>\n</html>\n"
    )


def write_gif(
    path: str, pngs: list[bytes], caption_pngs: list[bytes], seconds_per_frame: float = 1.5
) -> None:
    """An animated GIF: each frame's caption above its picture, on a canvas big enough for all."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(
            "BackwardSteps.save('….gif') needs Pillow to assemble the frames: "
            "pip install 'readgrad[gif]' (or pip install pillow); .save('….html') needs nothing more"
        ) from None
    pictures = [Image.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    captions = [Image.open(io.BytesIO(png)).convert("RGB") for png in caption_pngs]
    top = max(c.height for c in captions)
    width = max(max(p.width for p in pictures), max(c.width for c in captions))
    height = top + max(p.height for p in pictures)
    frames = []
    for picture, caption in zip(pictures, captions):
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(caption, ((width - caption.width) // 2, 0))
        canvas.paste(picture, ((width - picture.width) // 2, top))
        frames.append(canvas.quantize(colors=255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE))
    frames[0].save(
        path,
        save_all=True,
        append_images=frames[1:],
        duration=int(seconds_per_frame * 1000),
        loop=0,
        optimize=False,
    )
