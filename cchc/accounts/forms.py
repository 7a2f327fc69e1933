from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from cchc.accounts.models import Position, Role, User
from cchc.organisation.models import Unit


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: sau 5 lần sai, tài khoản bị tạm khóa 15 phút.",
        "inactive": "Tài khoản này đã bị vô hiệu hóa.",
    }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"


class PersonForm(forms.Form):
    username = forms.SlugField(label="Tên đăng nhập", max_length=150)
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Thư điện tử", required=False)
    password = forms.CharField(
        label="Mật khẩu ban đầu",
        widget=forms.PasswordInput,
        required=False,
        min_length=10,
        help_text="Để trống nếu người dùng sẽ đặt mật khẩu qua quản trị viên sau.",
    )
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)
    position = forms.ModelChoiceField(label="Chức vụ", queryset=Position.objects.all(), required=False)

    def __init__(self, *args, units=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("Tên đăng nhập này đã được dùng.")
        return username


class MembershipForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)
    position = forms.ModelChoiceField(label="Chức vụ", queryset=Position.objects.all(), required=False)

    def __init__(self, *args, units=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]
