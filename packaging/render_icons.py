"""Write the app icon in every format the installers need, from the one runtime painter.

    python packaging/render_icons.py [OUT_DIR]     (default: resources/icons)

Produces zomro-tray.png (512 px), zomro-tray.ico (Windows), zomro-tray.icns (macOS) and
hicolor/<N>x<N>/apps/zomro-tray.png for Linux desktops.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QGuiApplication, QImage

from zomro_tray.gui.paint.icons import APP_ICON_SIZES, paint_app_icon


def render(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for size in APP_ICON_SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / "zomro-tray.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        paint_app_icon(size).save(str(target), "PNG")
        written.append(target)
    big: QImage = paint_app_icon(512).toImage()
    for name, fmt in (("zomro-tray.png", "PNG"), ("zomro-tray.icns", "ICNS")):
        if not big.save(str(out / name), fmt):
            raise SystemExit(f"Qt could not write {name}")
        written.append(out / name)
    ico = out / "zomro-tray.ico"
    ico.write_bytes(ico_file([_png(size) for size in (16, 24, 32, 48, 64, 256)]))
    written.append(ico)
    return written


def _png(size: int) -> tuple[int, bytes]:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    paint_app_icon(size).toImage().save(buffer, "PNG")
    return size, bytes(buffer.data().data())


def ico_file(images: list[tuple[int, bytes]]) -> bytes:
    """A Windows .ico holding several sizes, each PNG-compressed (Windows Vista and later).

    Qt's own ICO writer stores a single size; Windows picks the right one per context.
    """
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images:
        edge = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


if __name__ == "__main__":
    app = QGuiApplication(sys.argv[:1])
    root = Path(__file__).resolve().parent.parent
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "resources" / "icons"
    for path in render(target):
        print(path.relative_to(target))
