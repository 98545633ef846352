"""The Program 27 demo: real agencies, people in every role, dossiers at every stage.

Built through the same services a user goes through, so the demo's audit trail is real.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from . import roles, services
from .models import Agency, Dossier, Profile

DEMO_PASSWORD = "ct27-demo"  # printed by load_demo; a demo instance only

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
            ("pass_review", "secretary", ""),
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
            ("pass_review", "secretary", ""),
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
        [("submit", "drafter.quangninh", ""), ("accept", "secretary", "")],
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
                "request_revision",
                "secretary",
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
            ("pass_review", "secretary", ""),
            ("complete_appraisal", "appraiser", "Đủ điều kiện phê duyệt."),
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
            ("pass_review", "secretary", ""),
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
            ("pass_review", "secretary", ""),
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


@transaction.atomic
def load_demo() -> tuple[int, int]:
    """Create what is missing; what exists is left as it is. Returns (users, dossiers) created."""
    agencies = {}
    for code, name, abbreviation in AGENCIES:
        agencies[code], _ = Agency.objects.get_or_create(
            code=code, defaults={"name": name, "abbreviation": abbreviation}
        )
    User = get_user_model()
    users, created_users = {}, 0
    for username, full_name, role, agency_code, position in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            last, _, first = full_name.rpartition(" ")
            user = User(username=username, first_name=first, last_name=last)
            user.is_staff = user.is_superuser = role == roles.ADMINISTRATOR
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role))
            Profile.objects.create(user=user, agency=agencies[agency_code], position=position)
            created_users += 1
        users[username] = user
    created_dossiers = 0
    for agency_code, kind, title, summary, steps in DOSSIERS:
        if Dossier.objects.filter(agency=agencies[agency_code], title=title).exists():
            continue
        drafter = next(u for u in users.values() if _is_drafter_of(u, agencies[agency_code]))
        dossier = services.create_dossier(
            user=drafter, kind=kind, title=title, program=PROGRAM, summary=summary
        )
        for action, username, comment in steps:
            services.transition_dossier(
                dossier_id=dossier.pk, action=action, user=users[username], comment=comment
            )
        created_dossiers += 1
    return created_users, created_dossiers


def _is_drafter_of(user, agency) -> bool:
    return roles.has_role(user, roles.DRAFTER) and user.profile.agency_id == agency.pk


def logins() -> list[tuple[str, str, str]]:
    """(username, role, agency) of every demo user, for printing."""
    return [
        (u, str(roles.ROLE_LABELS[r]), dict((c, n) for c, n, _ in AGENCIES)[a])
        for u, _, r, a, _ in USERS
    ]
