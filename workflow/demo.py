"""The Program 27 demo: real agencies, people in every role, dossiers at every stage.

Built through the same services a user goes through, so the demo's audit trail is real.
"""

import io

import docx
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from . import permissions, roles, services
from .errors import WorkflowError
from .models import Agency, Dossier, Profile, SigningAuthority

DEMO_PASSWORD = "ct27-demo"  # printed by load_demo; a demo instance only
# The demo users' mail: `.invalid` is reserved, so no office's user has an address there, and a
# database with such a user is one the demo was loaded into.
DEMO_MAIL_DOMAIN = "demo.dossierflow.invalid"

PROGRAM = "Chương trình 27 (2021–2025) — Quyết định số 27-QĐ/TW ngày 10/8/2021 của Ban Bí thư"

AGENCIES = [
    ("vptw", "Văn phòng Trung ương Đảng", "VPTW"),
    ("btctw", "Ban Tổ chức Trung ương", "BTCTW"),
    ("tuhn", "Thành ủy Hà Nội", "TU"),
    ("tuqn", "Tỉnh ủy Quảng Ninh", "TU"),
    ("tuhcm", "Thành ủy Thành phố Hồ Chí Minh", "TU"),
    ("tuna", "Tỉnh ủy Nghệ An", "TU"),
]

# username, full name, role, agency code, position
USERS = [
    (
        "drafter.hanoi",
        "Nguyễn Thị Hà",
        roles.DRAFTER,
        "tuhn",
        "Chuyên viên Văn phòng Thành ủy Hà Nội",
    ),
    (
        "drafter.quangninh",
        "Trần Văn Minh",
        roles.DRAFTER,
        "tuqn",
        "Chuyên viên Văn phòng Tỉnh ủy Quảng Ninh",
    ),
    ("drafter.btctw", "Lê Thu Trang", roles.DRAFTER, "btctw", "Chuyên viên Ban Tổ chức Trung ương"),
    (
        "drafter.hcm",
        "Phạm Quốc Bảo",
        roles.DRAFTER,
        "tuhcm",
        "Chuyên viên Văn phòng Thành ủy TP.HCM",
    ),
    (
        "drafter.nghean",
        "Hồ Thị Lan",
        roles.DRAFTER,
        "tuna",
        "Chuyên viên Văn phòng Tỉnh ủy Nghệ An",
    ),
    ("secretary", "Đỗ Minh Tuấn", roles.SECRETARY, "vptw", "Thư ký Hội đồng xét duyệt"),
    (
        "chair",
        "Vũ Đức Long",
        roles.COUNCIL_MEMBER,
        "vptw",
        "Chủ tịch Hội đồng, Phó Chánh Văn phòng",
    ),
    (
        "member1",
        "Ngô Thanh Hương",
        roles.COUNCIL_MEMBER,
        "vptw",
        "Ủy viên Hội đồng, Cục Công nghệ thông tin",
    ),
    (
        "member2",
        "Bùi Văn Nam",
        roles.COUNCIL_MEMBER,
        "vptw",
        "Ủy viên Hội đồng, Cục Cơ yếu Đảng - Công nghệ thông tin",
    ),
    ("member3", "Đặng Thị Mai", roles.COUNCIL_MEMBER, "vptw", "Ủy viên Hội đồng, Vụ Tài chính"),
    (
        "appraiser",
        "Hoàng Anh Dũng",
        roles.APPRAISER,
        "vptw",
        "Chuyên viên thẩm định, Cục Công nghệ thông tin",
    ),
    ("approver", "Trịnh Quang Khải", roles.APPROVER, "vptw", "Phó Chánh Văn phòng Trung ương Đảng"),
    ("clerk", "Mai Thị Thu", roles.CLERK, "vptw", "Văn thư lưu trữ"),
    ("admin", "Quản trị hệ thống", roles.ADMINISTRATOR, "vptw", "Quản trị viên"),
]

# agency, kind, title, summary, the actions that bring it to its stage (each: action, actor, comment)
DOSSIERS = [
    (
        "tuhn",
        "plan",
        "Kế hoạch ứng dụng công nghệ thông tin trong hoạt động của các cơ quan Đảng Thành ủy Hà Nội giai đoạn 2021–2025",
        "Triển khai Chương trình 27: hoàn thiện mạng thông tin diện rộng của Đảng bộ thành phố, "
        "số hóa hồ sơ, tài liệu lưu trữ, ứng dụng chữ ký số và bảo đảm an toàn thông tin.",
        [
            ("submit", "drafter.hanoi", ""),
            ("accept", "secretary", ""),
            ("council", "pass", ""),
            ("approve", "approver", ""),
            ("archive", "clerk", ""),
        ],
    ),
    (
        "btctw",
        "plan",
        "Kế hoạch ứng dụng công nghệ thông tin của Ban Tổ chức Trung ương giai đoạn 2021–2025",
        "Xây dựng cơ sở dữ liệu tổ chức đảng và đảng viên, kết nối với hệ thống thông tin của các cấp ủy.",
        [
            ("submit", "drafter.btctw", ""),
            ("accept", "secretary", ""),
            ("council", "pass", ""),
            ("approve", "approver", ""),
        ],
    ),
    (
        "btctw",
        "investment_report",
        "Báo cáo đề xuất chủ trương đầu tư Dự án cơ sở dữ liệu đảng viên giai đoạn 2021–2025",
        "Đề xuất chủ trương đầu tư theo Luật Đầu tư công: mục tiêu, quy mô, tổng mức đầu tư dự kiến, "
        "nguồn vốn và tiến độ thực hiện.",
        [("submit", "drafter.btctw", "")],
    ),
    (
        "tuqn",
        "plan",
        "Kế hoạch ứng dụng công nghệ thông tin trong hoạt động của các cơ quan Đảng tỉnh Quảng Ninh giai đoạn 2021–2025",
        "Đẩy mạnh ứng dụng công nghệ thông tin, nâng cấp hạ tầng, phần mềm quản lý văn bản và hồ sơ công việc.",
        [
            ("submit", "drafter.quangninh", ""),
            ("accept", "secretary", ""),
            ("council", "partial", ""),
        ],
    ),
    (
        "tuqn",
        "project",
        "Đề án chuyển đổi số trong các cơ quan Đảng tỉnh Quảng Ninh đến năm 2025, định hướng đến năm 2030",
        "Chuyển đổi số toàn diện hoạt động của các cơ quan Đảng tỉnh; nền tảng dữ liệu dùng chung; "
        "dịch vụ số phục vụ cấp ủy.",
        [
            ("submit", "drafter.quangninh", ""),
            ("accept", "secretary", ""),
            (
                "council",
                "conditions",
                "Bổ sung phương án bảo đảm an toàn thông tin theo cấp độ và làm rõ khái toán kinh phí.",
            ),
        ],
    ),
    (
        "tuqn",
        "project",
        "Dự án nâng cấp hệ thống thư điện tử và hội nghị truyền hình của Tỉnh ủy Quảng Ninh",
        "Nâng cấp hệ thống thư điện tử công vụ và hội nghị truyền hình trực tuyến đến các huyện ủy, thị ủy.",
        [
            ("submit", "drafter.quangninh", ""),
            ("accept", "secretary", ""),
            ("council", "pass", ""),
            ("appraise", "approve", ""),
        ],
    ),
    (
        "tuhn",
        "investment_report",
        "Báo cáo đề xuất chủ trương đầu tư Dự án nâng cấp mạng diện rộng của Đảng bộ thành phố Hà Nội",
        "Nâng cấp mạng diện rộng kết nối Thành ủy với các quận ủy, huyện ủy, thị ủy và đảng ủy trực thuộc.",
        [
            ("submit", "drafter.hanoi", ""),
            ("accept", "secretary", ""),
            ("council", "pass", ""),
        ],
    ),
    (
        "tuhn",
        "project",
        "Dự án xây dựng Trung tâm dữ liệu của Thành ủy Hà Nội",
        "Trung tâm dữ liệu tập trung, sao lưu dự phòng và giám sát an toàn thông tin 24/7.",
        [],
    ),
    (
        "tuhcm",
        "plan",
        "Kế hoạch ứng dụng công nghệ thông tin của Thành ủy Thành phố Hồ Chí Minh giai đoạn 2021–2025",
        "Ứng dụng công nghệ thông tin trong công tác tham mưu, giúp việc Thành ủy.",
        [
            ("submit", "drafter.hcm", ""),
            ("accept", "secretary", ""),
            ("council", "pass", ""),
            (
                "reject",
                "approver",
                "Kế hoạch trùng lặp với Đề án chuyển đổi số đã được phê duyệt; đề nghị tích hợp.",
            ),
        ],
    ),
    (
        "tuna",
        "project",
        "Dự án số hóa tài liệu lưu trữ của Tỉnh ủy Nghệ An",
        "Số hóa tài liệu lưu trữ lịch sử của Đảng bộ tỉnh từ năm 1930.",
        [
            ("submit", "drafter.nghean", ""),
            ("withdraw", "drafter.nghean", "Rút để điều chỉnh phạm vi dự án."),
        ],
    ),
]


class NotADemoDatabase(WorkflowError):
    pass


def refuse_unless_demo() -> None:
    """The demo goes only into an empty database or one it was loaded into before (where people
    trying it may have added dossiers and users since): never beside an office's real users and
    dossiers, since its users share a published password."""
    User = get_user_model()
    if User.objects.filter(email__iendswith=f"@{DEMO_MAIL_DOMAIN}").exists():
        return
    others = User.objects.count() + Dossier.objects.count()
    if others:
        raise NotADemoDatabase(_(
            "This database holds data that is not the demo (%(count)d users or dossiers): the "
            "demo, whose users share a published password, is loaded only into an empty "
            "database or a demo one. Use a new database (DATABASE_URL or DOSSIERFLOW_DATA_DIR)."
        ) % {"count": others})


@transaction.atomic
def load_demo() -> tuple[int, int]:
    """Create what is missing; what exists is left as it is. Returns (users, dossiers) created.

    The users are created once, into a database without users: a demo user deleted or given
    another password later (the administrator above all) is not brought back with the published
    password at the next start.
    """
    refuse_unless_demo()
    create_users = not get_user_model().objects.exists()
    agencies = {}
    for code, name, abbreviation in AGENCIES:
        agencies[code], _ = Agency.objects.get_or_create(
            code=code, defaults={"name": name, "abbreviation": abbreviation}
        )
    User = get_user_model()
    users, created_users = {}, 0
    for username, full_name, role, agency_code, position in USERS:
        user = User.objects.filter(username=username).first()
        if user is None and create_users:
            last, _, first = full_name.rpartition(" ")
            user = User(username=username, first_name=first, last_name=last)
            user.email = f"{username}@{DEMO_MAIL_DOMAIN}"
            user.is_staff = user.is_superuser = role == roles.ADMINISTRATOR
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role))
            Profile.objects.create(
                user=user,
                agency=agencies[agency_code],
                position=position,
                # The demo approver is a deputy head: decisions read `K/T CHÁNH VĂN PHÒNG`.
                signs_as=SigningAuthority.DEPUTY
                if role == roles.APPROVER
                else SigningAuthority.BY_ORDER,
            )
            created_users += 1
        if user is not None:
            users[username] = user
    created_dossiers = 0
    if len(users) < len(USERS):  # some demo users were removed: their dossiers cannot be made
        return created_users, created_dossiers
    for agency_code, kind, title, summary, steps in DOSSIERS:
        if Dossier.objects.filter(agency=agencies[agency_code], title=title).exists():
            continue
        drafter = next(u for u in users.values() if _is_drafter_of(u, agencies[agency_code]))
        dossier = services.create_dossier(
            user=drafter, kind=kind, title=title, program=PROGRAM, summary=summary
        )
        _upload_documents(dossier, drafter)
        for action, who, comment in steps:
            if action == "council":
                _council_round(dossier, users, outcome=who, conditions=comment)
            elif action == "appraise":
                services.record_appraisal(
                    user=users["appraiser"], dossier_id=dossier.pk, recommendation=who, **FINDINGS
                )
            else:
                services.transition_dossier(
                    dossier_id=dossier.pk, action=action, user=users[who], comment=comment
                )
        created_dossiers += 1
    return created_users, created_dossiers


FINDINGS = {
    "legal_basis": "Phù hợp Luật Đầu tư công và Quyết định số 27-QĐ/TW của Ban Bí thư.",
    "necessity": "Cần thiết để thực hiện Chương trình 27 giai đoạn 2021–2025.",
    "technical_solution": "Giải pháp kỹ thuật phù hợp kiến trúc Chính phủ điện tử của các cơ quan Đảng.",
    "information_security": "Đã có phương án bảo đảm an toàn thông tin theo cấp độ 3.",
    "budget": "Khái toán kinh phí hợp lý, trong kế hoạch đầu tư công trung hạn.",
    "schedule": "Thực hiện trong hai năm, phù hợp tiến độ Chương trình.",
}


def _council_round(dossier, users, *, outcome, conditions):
    """A review round by the demo council: everyone approves, one sets conditions, or half voted."""
    round_ = services.open_round(
        user=users["secretary"],
        dossier_id=dossier.pk,
        chair_id=users["chair"].pk,
        member_ids=[users[m].pk for m in ("member1", "member2", "member3")],
    )
    voters = ["chair", "member1", "member2", "member3"]
    if outcome == "partial":
        voters = voters[:2]
    for i, username in enumerate(voters):
        choice, extra = "approve", {}
        if outcome == "conditions" and i == 1:
            choice, extra = "approve_with_conditions", {"conditions": conditions}
        services.cast_vote(
            user=users[username],
            round_id=round_.pk,
            choice=choice,
            comment="Nhất trí với nội dung hồ sơ.",
            **extra,
        )


def _main_document(dossier) -> bytes:
    """A main document as an agency would write it: headings, body text and a budget table."""
    document = docx.Document()
    document.add_heading(dossier.title.upper(), level=1)
    document.add_paragraph(f"Cơ quan trình: {dossier.agency.name}")
    document.add_heading("I. Căn cứ", level=2)
    document.add_paragraph(
        "Quyết định số 27-QĐ/TW ngày 10/8/2021 của Ban Bí thư ban hành Chương trình ứng dụng "
        "công nghệ thông tin trong hoạt động của các cơ quan Đảng giai đoạn 2021–2025."
    )
    document.add_heading("II. Mục tiêu", level=2)
    document.add_paragraph(dossier.summary)
    document.add_heading("III. Nhiệm vụ và kinh phí", level=2)
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(
        table.rows[0].cells, ["Nhiệm vụ", "Thời gian", "Kinh phí (triệu đồng)"], strict=True
    ):
        cell.text = text
    for task, years, cost in [
        ("Nâng cấp hạ tầng mạng và an toàn thông tin", "2021–2022", "12.500"),
        ("Số hóa hồ sơ, tài liệu lưu trữ", "2022–2024", "8.200"),
        ("Đào tạo, bồi dưỡng cán bộ", "2021–2025", "1.300"),
    ]:
        for cell, text in zip(table.add_row().cells, [task, years, cost], strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _upload_documents(dossier, drafter):
    from documents import services as documents

    documents.upload_document(
        user=drafter,
        dossier=dossier,
        doc_type="main",
        uploaded_file=SimpleUploadedFile("du-thao.docx", _main_document(dossier)),
    )


def _is_drafter_of(user, agency) -> bool:
    return permissions.may_create_dossier(user) and permissions.agency_id_of(user) == agency.pk


def logins() -> list[tuple[str, str, str]]:
    """(username, role, agency) of every demo user, for printing."""
    return [
        (u, str(roles.ROLE_LABELS[r]), dict((c, n) for c, n, _ in AGENCIES)[a])
        for u, _, r, a, _ in USERS
    ]
