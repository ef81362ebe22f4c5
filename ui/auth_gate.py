"""Who is using the dashboard and what they may do: the sidebar sign-in, and the checks
pages make before uploads, schedule downloads, marked rounds and the audit log.

The rules are data.config.access's, the same table as the CLI's. With no account in the store
the dashboard runs in single-user local mode: everything allowed, as before accounts
existed. With accounts, anyone may read without signing in (as a viewer); signing in is
by name and password (argon2id, data.store.accounts), or, when `.streamlit/secrets.toml` has an
[auth] section, by OpenID Connect through `st.login`, the provider's e-mail address
naming the account.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from data.config.access import roles_for
from data.store.accounts import User, authenticate, get_user, has_accounts
from i18n import t as tr

USER_KEY = "auth_user"  # session: the signed-in User
_ACCESS_KEY = "auth_access"  # session: this run's Access, for the pages
_FAILURES_KEY, _LOCKED_KEY, _FAILED_KEY = "auth_failures", "auth_locked_until", "auth_failed"
# Against guessing, per browser session: every failed sign-in waits FAIL_DELAY seconds
# before answering, and MAX_FAILURES in a row lock the form for LOCK_SECONDS. A new
# session starts afresh, so a server-wide limit belongs in the reverse proxy (README).
FAIL_DELAY, MAX_FAILURES, LOCK_SECONDS = 1.0, 5, 300


def md(text: str) -> str:
    """`text` as a markdown code span, shown literally: names and addresses come from
    users and providers (markdown renders no HTML here, but `_`, `*` or an address would
    format or link)."""
    return "`" + str(text).replace("`", "'").replace("\n", " ") + "`"


@dataclass(frozen=True)
class Access:
    """What this session may do: `user` signed in (None: an anonymous reader), or `local`
    mode, where there are no accounts and everything is allowed."""

    user: User | None
    local: bool = False

    def can(self, action: str) -> bool:
        if self.local:
            return True
        if self.user is None:
            return action == "read"
        return self.user.can(action)

    @property
    def allowed_wards(self) -> set[str] | None:
        """The wards uploads may name: None for any (local mode, admins)."""
        if self.local:
            return None
        return set() if self.user is None else self.user.allowed_wards

    @property
    def name(self) -> str | None:
        """The account name uploads and marks are recorded under (None: ask, local mode)."""
        return None if self.user is None else self.user.name


def access(store) -> Access:
    """This run's access as the sidebar decided it. A page drawn without the sidebar (a
    test of one page) gets local mode on a store without accounts, else read-only."""
    acc = st.session_state.get(_ACCESS_KEY)
    return acc if acc is not None else Access(None, local=not has_accounts(store))


def require(store, action: str, lang: str, *, page: bool = True) -> bool:
    """True if this session may do `action`; else says which role it needs and that one
    can sign in (a whole page, or one part of a page), and returns False."""
    acc = access(store)
    if acc.can(action):
        return True
    roles = tr("auth.or", lang).join(tr(f"auth.role.{r}", lang) for r in roles_for(action))
    if page:
        role = tr(f"auth.role.{acc.user.role if acc.user else 'guest'}", lang)
        st.warning(tr("auth.needs", lang, roles=roles, role=role), icon="🔒")
    else:
        st.info(tr("auth.needs_part", lang, roles=roles), icon="🔒")
    return False


def oidc_configured() -> bool:
    """OpenID Connect is on when secrets.toml (outside the repository) has [auth]."""
    return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)


def sidebar(store, lang: str) -> Access:
    """Draw the sidebar's account part and decide this run's access."""
    if not has_accounts(store):
        st.session_state.pop(USER_KEY, None)
        st.sidebar.caption(tr("auth.local_mode", lang))
        acc = Access(None, local=True)
    else:
        st.sidebar.subheader(tr("auth.heading", lang))
        user = _oidc_user(store, lang) if oidc_configured() else _password_user(store, lang)
        acc = Access(user)
    st.session_state[_ACCESS_KEY] = acc
    return acc


def _signed_in(user: User, lang: str) -> None:
    st.sidebar.caption(tr("auth.signed_in", lang, name=md(user.name),
                          role=tr(f"auth.role.{user.role}", lang)))
    if user.role == "reporter" and not user.wards:
        st.sidebar.warning(tr("auth.no_wards", lang))


def _refresh(store) -> User | None:
    """The signed-in user as the store has them now: a disabled or deleted account, or a
    changed role or ward list, takes effect on the next click."""
    kept = st.session_state.get(USER_KEY)
    user = None if kept is None else get_user(store, kept.name)
    if user is None or user.disabled:
        st.session_state.pop(USER_KEY, None)
        return None
    st.session_state[USER_KEY] = user
    return user


def _password_user(store, lang: str) -> User | None:
    user = _refresh(store)
    if user is not None:
        _signed_in(user, lang)
        if st.sidebar.button(tr("auth.sign_out", lang), key="auth_sign_out"):
            st.session_state.pop(USER_KEY, None)
            st.rerun()
        return user
    if st.session_state.pop(_FAILED_KEY, False):
        # One message whatever was wrong (name, password, disabled account): no hint
        # which, and nothing typed is echoed.
        st.sidebar.error(tr("auth.failed", lang))
    wait = st.session_state.get(_LOCKED_KEY, 0.0) - time.monotonic()
    if wait > 0:
        st.sidebar.warning(tr("auth.locked", lang, minutes=max(1, round(wait / 60))))
        return None
    st.sidebar.caption(tr("auth.anonymous", lang))
    with st.sidebar.form("auth_sign_in"):
        st.text_input(tr("auth.name", lang), key="auth_name", max_chars=64)
        st.text_input(tr("auth.password", lang), type="password", key="auth_password",
                      max_chars=1024)
        st.form_submit_button(tr("auth.sign_in", lang), on_click=_submit, args=(store,))
    return None


def _submit(store) -> None:
    """The form's callback, run before the script: check the name and password, and
    empty the password field, so that the password stays in the session no longer than
    this check."""
    name = str(st.session_state.get("auth_name", "")).strip()
    password = str(st.session_state.get("auth_password", ""))
    st.session_state["auth_password"] = ""
    if st.session_state.get(_LOCKED_KEY, 0.0) > time.monotonic():
        return  # locked: the form is not drawn, but a stale click must not try either
    user = authenticate(store, name, password)
    if user is not None:
        st.session_state.pop(_FAILURES_KEY, None)
        st.session_state[USER_KEY] = user
        return
    time.sleep(FAIL_DELAY)
    failures = st.session_state.get(_FAILURES_KEY, 0) + 1
    st.session_state[_FAILURES_KEY] = failures
    if failures >= MAX_FAILURES:
        st.session_state[_FAILURES_KEY] = 0
        st.session_state[_LOCKED_KEY] = time.monotonic() + LOCK_SECONDS
    st.session_state[_FAILED_KEY] = True


def _oidc_user(store, lang: str) -> User | None:
    """The account named by the provider's e-mail address (tried as given, then in lower
    case); a provider that says the address is unverified is refused."""
    if not st.user.is_logged_in:
        st.sidebar.caption(tr("auth.anonymous", lang))
        if st.sidebar.button(tr("auth.sso.sign_in", lang), key="auth_sso_sign_in"):
            st.login()
        return None
    email = str(st.user.get("email") or "")
    user = None
    if st.user.get("email_verified") is False:
        st.sidebar.warning(tr("auth.sso.unverified", lang, email=md(email)))
    elif email:
        user = get_user(store, email) or get_user(store, email.lower())
        if user is None or user.disabled:
            user = None
            st.sidebar.warning(tr("auth.sso.no_account", lang, email=md(email)))
    if user is not None:
        _signed_in(user, lang)
    if st.sidebar.button(tr("auth.sign_out", lang), key="auth_sign_out"):
        st.logout()
    return user
