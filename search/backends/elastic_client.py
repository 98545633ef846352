"""What the Elasticsearch backend needs of the client: the errors that mean the engine failed,
and a connection node that speaks to 8.x clusters."""

from elastic_transport import Urllib3HttpNode
from elasticsearch import exceptions as es_errors

ERRORS = (es_errors.ApiError, es_errors.TransportError, ConnectionError, OSError)


class Compat8Node(Urllib3HttpNode):
    """Asks an 8.x server for 8-compatible responses: it refuses the 9.x client's
    `compatible-with=9`."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        if headers:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                if name in headers:
                    headers[name] = headers[name].replace("compatible-with=9", "compatible-with=8")
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)
