"""JupyterLab's "Restart kernel and run all", made reliable (course machinery).

The bug this fixes, in jupyter_server 2.0 up to at least 2.21.1: a notebook that
is restarted while its first websocket is still waiting for the kernel to start
can hang for good, every cell at ``[*]`` and the kernel shown as "Starting".

- Reconnecting after the restart, the new websocket finds the old one still
  registered and logs "Replacing stale connection". It closes the old
  *websocket*, but the old connection goes on to open its ZMQ sockets anyway.
- jupyter_server gives every connection's ZMQ sockets the same routing identity,
  the notebook's session id. Two sockets with one identity: the kernel routes
  its replies to whichever connected last. When that is the stale one, the
  notebook never hears back.

``UniqueIdentityConnection`` gives each connection its own identity (the session
id plus a random suffix), so the kernel answers the socket that asked. The
setup (``make lab``, ``make test``, Binder's ``postBuild``, the workshop kit's
``install.sh``) registers it for the course's JupyterLab with::

    python -m edgebook.kernel_websocket install

which writes a config file into the environment's ``etc/jupyter``. The override
follows one method of jupyter_server, so jupyter_server is pinned exactly and
``tests/test_kernel_websocket.py`` fails when that method changes upstream.
"""
from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

CHANNELS = ("iopub", "shell", "control", "stdin")
CLASS_PATH = "edgebook.kernel_websocket.UniqueIdentityConnection"  # importable by the server


def connection_identity(session_id: bytes) -> bytes:
    """The ZMQ identity of one websocket connection: the session id, made unique."""
    return session_id + b"-" + uuid.uuid4().hex[:12].encode()


class UniqueIdentityConnection(ZMQChannelsWebsocketConnection):
    """jupyter_server's websocket connection, with a ZMQ identity of its own."""

    def create_stream(self):
        # Upstream uses ``identity = self.session.bsession`` for every connection
        # of a session; the rest of this method is upstream's, unchanged.
        identity = connection_identity(self.session.bsession)
        for channel in CHANNELS:
            connect = getattr(self.kernel_manager, "connect_" + channel)
            self.channels[channel] = stream = connect(identity=identity)
            stream.channel = channel


def config_path(prefix: str | Path = sys.prefix) -> Path:
    # The server reads ServerApp settings from this file, not from the
    # jupyter_server_config.d/ folder (that one only enables extensions).
    return Path(prefix) / "etc" / "jupyter" / "jupyter_server_config.json"


def install(prefix: str | Path = sys.prefix) -> Path:
    """Register the connection class for every Jupyter server run from ``prefix``.

    Other settings already in the file are kept.
    """
    path = config_path(prefix)
    config = json.loads(path.read_text()) if path.is_file() else {}
    config.setdefault("ServerApp", {})["kernel_websocket_connection_class"] = CLASS_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=2) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["install"]:
        print("usage: python -m edgebook.kernel_websocket install", file=sys.stderr)
        return 2
    print(f"Registered {CLASS_PATH} in {install()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
