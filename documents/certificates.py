"""A small certificate authority for the demo and the tests (the `cryptography` package).

Never for production: an operator configures the office's real certificate (SIGNING_PKCS12_PATH).
The demo writes its authority under the data directory and says so when it loads.
"""

import datetime
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEMO_DIRECTORY = "demo-signing"
# Never fetched: verification reads the CRL from SIGNING_CRLS.
CRL_URL = "http://127.0.0.1/dossierflow-demo-root.crl"


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@dataclass
class Authority:
    """A root CA that issues signing certificates and a CRL of the ones it revoked."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    revoked: list[x509.Certificate] = field(default_factory=list)

    @classmethod
    def create(cls, common_name: str, organization: str = "Văn phòng Trung ương Đảng"):
        now = datetime.datetime.now(datetime.UTC)
        key = ec.generate_private_key(ec.SECP256R1())
        name = _name(common_name, organization)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True, content_commitment=False, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=True,
                    crl_sign=True, encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .sign(key, hashes.SHA256())
        )
        return cls(key=key, certificate=certificate)

    def issue(
        self,
        common_name: str,
        *,
        organization: str = "Văn phòng Trung ương Đảng",
        not_before: datetime.datetime | None = None,
        not_after: datetime.datetime | None = None,
    ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        now = datetime.datetime.now(datetime.UTC)
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organization))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - datetime.timedelta(days=1))
            .not_valid_after(not_after or now + datetime.timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True, content_commitment=True, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=False,
                    crl_sign=False, encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            # Declaring a CRL makes verifiers check it (here from the configured file, offline).
            .add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            full_name=[x509.UniformResourceIdentifier(CRL_URL)],
                            relative_name=None,
                            reasons=None,
                            crl_issuer=None,
                        )
                    ]
                ),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )
        return key, certificate

    def revoke(self, certificate: x509.Certificate) -> None:
        self.revoked.append(certificate)

    def crl_der(self) -> bytes:
        now = datetime.datetime.now(datetime.UTC)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(now - datetime.timedelta(minutes=5))
            .next_update(now + datetime.timedelta(days=7))
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            .add_extension(x509.CRLNumber(len(self.revoked) + 1), critical=False)
        )
        for certificate in self.revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(certificate.serial_number)
                .revocation_date(now - datetime.timedelta(minutes=1))
                .build()
            )
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def root_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def pkcs12_bytes(key, certificate, authority: Authority, passphrase: bytes) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"office",
        key,
        certificate,
        [authority.certificate],
        serialization.BestAvailableEncryption(passphrase),
    )


@dataclass(frozen=True)
class DemoSigning:
    pkcs12_path: Path
    passphrase_path: Path
    root_path: Path
    crl_path: Path


def demo_paths(data_dir: Path) -> DemoSigning:
    directory = Path(data_dir) / DEMO_DIRECTORY
    return DemoSigning(
        pkcs12_path=directory / "office.p12",
        passphrase_path=directory / "passphrase",
        root_path=directory / "demo-root.pem",
        crl_path=directory / "demo-root.crl",
    )


def ensure_demo_signing(data_dir: Path) -> tuple[DemoSigning, bool]:
    """The demo CA, the office certificate it issued (PKCS#12) and its CRL under the data
    directory, made once; the second value says whether they were made now."""
    paths = demo_paths(data_dir)
    if all(p.exists() for p in (paths.pkcs12_path, paths.passphrase_path, paths.root_path)):
        return paths, False
    paths.pkcs12_path.parent.mkdir(parents=True, exist_ok=True)
    paths.pkcs12_path.parent.chmod(0o700)
    authority = Authority.create("dossierflow DEMO root CA — not for real documents")
    key, certificate = authority.issue("Văn phòng Trung ương Đảng (DEMO)")
    passphrase = secrets.token_urlsafe(24).encode()
    _write_private(paths.passphrase_path, passphrase)
    _write_private(paths.pkcs12_path, pkcs12_bytes(key, certificate, authority, passphrase))
    paths.root_path.write_bytes(authority.root_pem())
    paths.crl_path.write_bytes(authority.crl_der())
    return paths, True


def _write_private(path: Path, data: bytes) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_bytes(data)
