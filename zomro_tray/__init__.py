"""zomro-tray: Zomro Cloud VPS in the system tray.

The package is layered, each layer importing only those below it:
``gui`` (Qt widgets) -> ``gui.worker`` (QtCore thread) -> ``client`` -> ``protocol`` -> ``model``;
``keychain`` and ``settings`` are leaf stores, and ``emulator`` stands beside it all.
"""

__version__ = "0.1.0"
APP_NAME = "zomro-tray"
