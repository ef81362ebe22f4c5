"""Who is using the dashboard and what they may do: the sidebar sign-in, and the checks
pages make before uploads, schedule downloads, marked rounds and the audit log.

The rules are data.config.access's, the same table as the CLI's. With no account in the store
the dashboard runs in single-user local mode: everything allowed, as before accounts
existed. With accounts, anyone may read without signing in (as a viewer); signing in is
by name and password (argon2id, data.store.accounts), or, when `.streamlit/secrets.toml` has an
[auth] section, by OpenID Connect through `st.login`, the provider's e-mail address
naming the account.

A password sign-in lasts across reloads and tabs (data.store.sessions, ui.web_session,
ui.session_routes) until it expires or is signed out, which ends it in every tab; failed
attempts are counted in the store by account and by client address (data.store.lockout).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from data.config.access import roles_for
from data.store import lockout, sessions
from data.store.accounts import User, authenticate, get_user, has_accounts
from data.store.audit import incident
from i18n import t as tr
from ui import web_session
from zones.problems import Unsaid

USER_KEY = "auth_user"  # session: the signed-in User
_SESSION_KEY = "auth_session"  # session: the id of its row in auth_sessions
_ACCESS_KEY = "auth_access"  # session: this run's Access, for the pages
_FAILED_KEY, _GO_KEY = "auth_failed", "auth_go"  # a failed sign-in; a route to send to
_INCIDENT_KEY = "auth_incident"  # the reference of an error in a sign-in or sign-out
# Against guessing, besides the store's lockout (data.store.lockout: five failures lock an
# account name, or a client address, for five minutes): every failure waits FAIL_DELAY
# seconds before answering.
FAIL_DELAY = 1.0


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
        for key in (USER_KEY, _SESSION_KEY):
            st.session_state.pop(key, None)
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


def _session_user(store) -> User | None:
    """The signed-in user: this tab's session, else the one the browser's cookie names,
    as the store has it now. A session signed out in another tab or expired, a disabled
    or deleted account, or a changed role or ward list takes effect at the next click."""
    found = (sessions.user_of(store, row_id=st.session_state.get(_SESSION_KEY))
             or web_session.cookie_session(store))
    if found is None:
        for key in (USER_KEY, _SESSION_KEY):
            st.session_state.pop(key, None)
        return None
    st.session_state[_SESSION_KEY], st.session_state[USER_KEY] = found
    return found[1]


def _password_user(store, lang: str) -> User | None:
    try:
        web_session.check()
        user = _session_user(store)
    except Unsaid as exc:  # sessions misconfigured: no sign-in until that is fixed
        st.sidebar.error(exc.text(lang))
        return None
    if url := st.session_state.pop(_GO_KEY, None):
        web_session.go(url)  # to the route that sets, or clears, the cookie
    if ref := st.session_state.pop(_INCIDENT_KEY, None):
        st.sidebar.error(tr("auth.incident", lang, ref=ref))
    if user is not None:
        _signed_in(user, lang)
        st.sidebar.button(tr("auth.sign_out", lang), key="auth_sign_out", on_click=_reported,
                          args=(_sign_out, store))
        return user
    if st.session_state.pop(_FAILED_KEY, False):
        # One message whatever was wrong (name, password, disabled account): no hint
        # which, and nothing typed is echoed.
        st.sidebar.error(tr("auth.failed", lang))
    name = str(st.session_state.get("auth_name", "")).strip() or None
    wait = lockout.locked_for(store, name, web_session.client_address())
    if wait > 0:
        st.sidebar.warning(tr("auth.locked", lang, minutes=max(1, round(wait / 60))))
        return None
    st.sidebar.caption(tr("auth.anonymous", lang))
    with st.sidebar.form("auth_sign_in"):
        st.text_input(tr("auth.name", lang), key="auth_name", max_chars=64)
        st.text_input(tr("auth.password", lang), type="password", key="auth_password",
                      max_chars=1024)
        st.form_submit_button(tr("auth.sign_in", lang), on_click=_reported,
                              args=(_submit, store))
    return None


def _reported(callback, store) -> None:
    """Run a sign-in or sign-out callback; an unexpected error (a store that cannot be
    written) becomes a reference id in the sidebar, as guarded() does for pages: a
    callback's error would otherwise end the whole run."""
    try:
        callback(store)
    except Exception as exc:
        st.session_state[_INCIDENT_KEY] = incident(exc)


def _submit(store) -> None:
    """The form's callback, run before the script: count the attempt (refused unheard
    while the name or the client's address is locked), check the name and password, and
    empty the password field, so that the password stays in the session no longer than
    this check. A right one starts a session and sends the browser for its cookie."""
    name = str(st.session_state.get("auth_name", "")).strip()
    password = str(st.session_state.get("auth_password", ""))
    st.session_state["auth_password"] = ""
    try:
        wait, attempt = lockout.begin_attempt(store, name, web_session.client_address())
        if wait > 0:
            return  # the run shows the lock
        user = authenticate(store, name, password)
        if user is None:
            time.sleep(FAIL_DELAY)
            st.session_state[_FAILED_KEY] = True
            return
        lockout.succeeded(store, name, attempt)
        row_id, token = sessions.start(store, user.name)
    except Unsaid:
        return  # sessions misconfigured: the run says so (web_session.check)
    st.session_state[_SESSION_KEY], st.session_state[USER_KEY] = row_id, user
    st.session_state[_GO_KEY] = web_session.session_url(token)


def _sign_out(store) -> None:
    """End this session in the store, so in every tab at its next run, then clear the
    browser's cookie through the sign-out route."""
    row_id = st.session_state.pop(_SESSION_KEY, None)
    st.session_state.pop(USER_KEY, None)
    if row_id is not None:
        sessions.revoke(store, row_id)
    st.session_state[_GO_KEY] = web_session.sign_out_url()


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
