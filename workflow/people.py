"""How people are named: Vietnamese order, family name first (`Nguyễn Thị Hà`)."""


def display_name(user) -> str:
    if user is None:
        return ""
    full = f"{user.last_name} {user.first_name}".strip()
    return full or user.username
