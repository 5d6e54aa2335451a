"""zomro-tray: Zomro Cloud VPS in the system tray.

The package is layered, each layer importing only those below it:
``gui`` (Qt widgets) -> ``gui.worker`` (QtCore thread) -> ``client`` -> ``protocol`` -> ``model``;
``keychain`` and ``settings`` are leaf stores, and ``emulator`` stands beside it all.
"""

__version__ = "0.1.0"
APP_NAME = "zomro-tray"
#: The argument that makes the app read the keychain for the tray and answer on stdout
#: (zomro_tray/store/keychain.py says why; the command line routes it there before parsing).
READ_KEYCHAIN_FOR_THE_TRAY = "--read-keychain-for-the-tray"
