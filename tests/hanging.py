"""A server on loopback that takes connections and never answers: a peer that hangs (a mail
server, a webhook receiver, object storage, a database frozen or failing over)."""

import socket
import threading


class Hanging:
    """Use as a context manager, or call `close`; `accepted` counts the connections taken."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.accepted, self._held = 0, []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self._held.append(connection)
            self.accepted += 1

    def close(self):
        self.socket.close()
        for connection in self._held:
            connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
