"""A font that renders Chinese in matplotlib figures, with a warned fallback.

Matplotlib's default font (DejaVu Sans) has no CJK glyphs: Chinese labels come
out as empty boxes ("tofu"). :func:`cjk_font` finds a font that has them, in
this order:

1. **Noto Sans CJK SC** shipped by the PyPI package ``mplfonts`` (SIL Open Font
   License; installed by regsim's set-up). The font file is registered with
   matplotlib's font manager directly; ``mplfonts init`` (which edits
   matplotlib's own configuration) is never run, and ``mplfonts`` is not
   imported.
2. Any installed system font among :data:`CJK_FAMILIES` (e.g. Debian's
   ``fonts-noto-cjk`` or ``fonts-wqy-microhei``, Windows' Microsoft YaHei,
   macOS' PingFang SC).

A candidate is accepted only if it really has glyphs for a test string.
:func:`figure_style` returns matplotlib rc settings for a language; if Chinese
is asked for and no font is found it warns with :class:`CJKFontWarning` and
returns ``None`` so callers draw English labels instead -- never empty boxes.
"""

from __future__ import annotations

import functools
import importlib.util
import warnings
from pathlib import Path

from .._warnings import RegsimWarning

#: font families tried in order (first found wins)
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "SimHei", "Noto Sans CJK JP",
    "Noto Sans CJK TC", "AR PL UMing CN",
)
#: (package, file inside it) of fonts shipped in PyPI packages, tried first
PACKAGED_FONTS = (("mplfonts", "fonts/NotoSansCJKsc-Regular.otf"),)
#: characters a candidate must have glyphs for
TEST_TEXT = "黑龙江省国内生产总值就业贸易俄罗斯年亿元万人"


class CJKFontWarning(RegsimWarning):
    """No font with Chinese glyphs was found: figures fall back to English labels."""


def _has_glyphs(path: str, text: str = TEST_TEXT) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text)


def _packaged_font_files() -> list[Path]:
    out = []
    for package, rel in PACKAGED_FONTS:
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.submodule_search_locations:
            continue
        for loc in spec.submodule_search_locations:
            p = Path(loc) / rel
            if p.is_file():
                out.append(p)
    return out


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of a font with Chinese glyphs, registered with matplotlib (``None`` if none).

    The result is cached for the process.
    """
    from matplotlib import font_manager

    for path in _packaged_font_files():
        if _has_glyphs(str(path)):
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
    by_family: dict[str, list[str]] = {}
    for entry in font_manager.fontManager.ttflist:
        by_family.setdefault(entry.name, []).append(entry.fname)
    for family in CJK_FAMILIES:
        for fname in by_family.get(family, []):
            if _has_glyphs(fname):
                return family
    return None


def figure_style(lang: str = "en", *, warn: bool = True) -> dict | None:
    """Matplotlib rc settings for figures labelled in ``lang``.

    Parameters
    ----------
    lang : {"en", "zh"}
        Language of the figure labels.
    warn : bool
        Warn with :class:`CJKFontWarning` when Chinese is asked for and no
        font can render it.

    Returns
    -------
    dict or None
        rc settings (use with ``matplotlib.rc_context``); ``None`` when
        ``lang == "zh"`` and no CJK font exists -- draw English labels then.
    """
    base = {"axes.unicode_minus": False, "svg.fonttype": "path"}
    if lang != "zh":
        return base
    family = cjk_font()
    if family is None:
        if warn:
            warnings.warn("no font with Chinese glyphs found (install regsim's set-up, which brings the 'mplfonts' "
                          "package with Noto Sans CJK SC, or a system CJK font such as Debian's fonts-noto-cjk): "
                          "figure labels fall back to English", CJKFontWarning, stacklevel=2)
        return None
    return {**base, "font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"]}
