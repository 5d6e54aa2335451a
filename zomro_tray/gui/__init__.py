"""The Qt views: tray icon, menu, dialogs. Only this package imports QtWidgets."""
