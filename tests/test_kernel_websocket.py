"""edgebook.kernel_websocket: one ZMQ identity per websocket connection, registered by the setup."""
from __future__ import annotations

import inspect
import json
import re
import textwrap
import tomllib
import types
from importlib import metadata
from pathlib import Path

from jupyter_server.serverapp import ServerApp
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from traitlets.utils.importstring import import_item

from edgebook import kernel_websocket

ROOT = Path(__file__).resolve().parents[1]

# The method UniqueIdentityConnection.create_stream follows, as it is in the pinned
# jupyter_server. If this test fails, jupyter_server changed it: read the new
# version, carry the change into UniqueIdentityConnection, then update this text.
UPSTREAM_CREATE_STREAM = '''
def create_stream(self):
    """Create a stream."""
    identity = self.session.bsession
    for channel in ("iopub", "shell", "control", "stdin"):
        meth = getattr(self.kernel_manager, "connect_" + channel)
        self.channels[channel] = stream = meth(identity=identity)
        stream.channel = channel
'''


def test_jupyter_server_is_pinned_exactly_to_the_installed_version():
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "jupyter-server==2.21.1" in pins
    assert metadata.version("jupyter-server") == "2.21.1"


def test_the_upstream_method_is_the_one_the_override_follows():
    upstream = textwrap.dedent(inspect.getsource(ZMQChannelsWebsocketConnection.create_stream))
    assert upstream.strip() == UPSTREAM_CREATE_STREAM.strip(), (
        "jupyter_server's ZMQChannelsWebsocketConnection.create_stream changed; "
        "update edgebook.kernel_websocket.UniqueIdentityConnection to match it:\n" + upstream)


def _streams_of_one_connection(session_id: bytes) -> dict:
    """Run the override's create_stream on a stand-in connection; the identity of each channel."""
    identities = {}

    def connect(channel):
        def connect_channel(identity):
            identities[channel] = identity
            return types.SimpleNamespace()
        return connect_channel

    kernel_manager = types.SimpleNamespace(**{f"connect_{c}": connect(c) for c in kernel_websocket.CHANNELS})
    connection = types.SimpleNamespace(session=types.SimpleNamespace(bsession=session_id),
                                       kernel_manager=kernel_manager, channels={})
    kernel_websocket.UniqueIdentityConnection.create_stream(connection)
    assert set(connection.channels) == set(kernel_websocket.CHANNELS)
    return identities


def test_each_connection_of_one_session_gets_its_own_identity():
    first = _streams_of_one_connection(b"session-1")
    second = _streams_of_one_connection(b"session-1")
    assert len(set(first.values())) == 1, "one connection's four channels share one identity"
    assert len(set(second.values())) == 1
    assert first["shell"] != second["shell"], "a stale connection must not share the new one's identity"
    assert re.fullmatch(rb"session-1-[0-9a-f]{12}", first["shell"])


def test_install_registers_the_class_and_keeps_other_settings(tmp_path):
    config = tmp_path / "etc" / "jupyter" / "jupyter_server_config.json"
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"ServerApp": {"port": 9999}, "LabApp": {"x": 1}}))

    assert kernel_websocket.install(tmp_path) == config
    written = json.loads(config.read_text())
    assert written == {"ServerApp": {"port": 9999, "kernel_websocket_connection_class": kernel_websocket.CLASS_PATH},
                       "LabApp": {"x": 1}}
    assert import_item(kernel_websocket.CLASS_PATH) is kernel_websocket.UniqueIdentityConnection
    kernel_websocket.install(tmp_path)  # twice is the same as once
    assert json.loads(config.read_text()) == written


def test_the_course_environment_uses_it():
    """`make setup` registered it: a Jupyter server started from this environment loads the class."""
    app = ServerApp()
    app.load_config_file()
    assert app.config.ServerApp.kernel_websocket_connection_class == kernel_websocket.CLASS_PATH, (
        f"{kernel_websocket.config_path()} does not register the course's connection class: "
        "run `python -m edgebook.kernel_websocket install` (make setup does)")


def test_every_setup_registers_it():
    command = "-m edgebook.kernel_websocket install"
    assert re.search(rf"^\t\$\(PY\) {command}", (ROOT / "Makefile").read_text(), flags=re.M)
    assert f"python {command}" in (ROOT / "postBuild").read_text()
    # The workshop kit's install.sh runs `make setup`, which is the Makefile's recipe above.
    assert "make setup" in inspect.getsource(import_item("edgebook.workshop"))


def test_the_command_line_says_how_to_use_it(capsys):
    assert kernel_websocket.main(["nonsense"]) == 2
    assert "usage: python -m edgebook.kernel_websocket install" in capsys.readouterr().err
