"""The error documents BILLmanager answers with, as the emulator sends them."""

from __future__ import annotations

from zomro_tray.emulator.servers import Document


def error_doc(kind: str, obj: str, message: str) -> Document:
    return {
        "doc": {
            "error": {
                "$type": kind,
                "$object": obj,
                "$code": "1",
                "param": [{"$name": "object", "$": obj}],
                "msg": {"$": message},
            }
        }
    }


def access_denied(func: str) -> Document:
    message = f"Insufficient privileges to perform the function {func}"
    return {
        "doc": {
            "error": {
                "$type": "access",
                "param": {"$name": "value", "$": func},
                "msg": {"$": message},
            }
        }
    }
