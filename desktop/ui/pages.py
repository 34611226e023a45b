"""The pages of the main window's navigation, in order.

Later issues replace a page's factory with the real view; a factory receives the session,
the KDF parameters for password work (None: calibrate) and the parent widget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from desktop.i18n import N_
from desktop.services.session import KdfParams, Session

PageFactory = Callable[[Session, KdfParams | None, QWidget], QWidget]


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str  # an English msgid, translated where shown
    factory: PageFactory


def _coming_soon(key: str, title: str) -> PageFactory:
    def make(_session: Session, _kdf: KdfParams | None, parent: QWidget) -> QWidget:
        from desktop.ui.views.coming_soon import ComingSoonPage

        return ComingSoonPage(key, title, parent)

    return make


def _settings(session: Session, kdf: KdfParams | None, parent: QWidget) -> QWidget:
    from desktop.ui.views.settings import SettingsPage

    return SettingsPage(session, kdf, parent)


def _sync(session: Session, kdf: KdfParams | None, parent: QWidget) -> QWidget:
    from desktop.ui.views.sync_page import SyncPage

    return SyncPage(session, kdf, parent)


def _children(session: Session, _kdf: KdfParams | None, parent: QWidget) -> QWidget:
    from desktop.ui.views.children import ChildrenPage

    return ChildrenPage(session, parent)


def _reports(session: Session, _kdf: KdfParams | None, parent: QWidget) -> QWidget:
    from desktop.ui.views.reports_page import ReportsPage

    return ReportsPage(session, parent)


def _worklist(session: Session, kdf: KdfParams | None, parent: QWidget) -> QWidget:
    from desktop.ui.views.worklist_page import WorklistPage

    return WorklistPage(session, kdf, parent)


def _women(session: Session, kdf: KdfParams | None, parent: QWidget) -> QWidget:
    from desktop.ui.views.women_page import WomenPage

    return WomenPage(session, kdf, parent)


def _highrisk(session: Session, kdf: KdfParams | None, parent: QWidget) -> QWidget:
    from desktop.ui.views.highrisk_page import HighRiskPage

    return HighRiskPage(session, kdf, parent)


def _spec(key: str, title: str) -> PageSpec:
    return PageSpec(key, title, _coming_soon(key, title))


PAGES: list[PageSpec] = [
    PageSpec("worklist", N_("Worklist"), _worklist),
    PageSpec("women", N_("Women"), _women),
    PageSpec("highrisk", N_("High-risk"), _highrisk),
    PageSpec("children", N_("Children"), _children),
    PageSpec("reports", N_("Reports"), _reports),
    PageSpec("sync", N_("Sync"), _sync),
    PageSpec("settings", N_("Settings"), _settings),
]
