"""The print dialog: page size, which pages, printer or PDF, and a preview fed by the same
painters as the PDF (desktop/printing).

Reached from a woman's or a child's record (`open_print_dialog`) and from the worklist
("Print today's visit sheets": `open_visit_sheets_dialog`). The record's data is read in
the background; a print runs in the background with a progress bar and Cancel; every print
is logged (print log + audit) through the Session facade.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import AppError
from desktop.i18n import _
from desktop.services.printing_service import PageRangeError
from desktop.services.session import Session
from desktop.ui.tasks import Cancelled, TaskContext, run_task
from desktop.ui.widgets.base import FieldError, Retranslatable

SIZES = ("A5", "A4")
HANDBOOK = "handbook"
SHEETS = "sheets"


class PrintDialog(Retranslatable, QDialog):
    """Print one person's handbook (*person_id*) or the day's visit sheets (*kind*)."""

    def __init__(self, session: Session, person_id: str | None, parent: QWidget | None = None,
                 kind: str = HANDBOOK, today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printDialog")
        self.session = session
        self.person_id = person_id
        self.kind = kind
        self.today = today or date.today()
        self.data: Any = None  # the handbook dict or the list of sheets, once loaded
        self.last_result: list | None = None  # what the last print put on paper (tests)
        self.changed_keys: list[str] | None = None

        self.size_box = QComboBox(objectName="pageSize")
        self.size_box.addItems(SIZES)
        self.all_pages = QRadioButton(objectName="pagesAll")
        self.chosen_pages = QRadioButton(objectName="pagesChosen")
        self.changed_pages = QRadioButton(objectName="pagesChanged")
        self.page_numbers = QLineEdit(objectName="pageNumbers")
        self.page_numbers.setPlaceholderText("1-3, 7")
        self.page_error = FieldError("pageNumbersError")
        self.all_pages.setChecked(True)
        self.pages_group = QButtonGroup(self)
        for button in (self.all_pages, self.chosen_pages, self.changed_pages):
            self.pages_group.addButton(button)
        self.page_numbers.textEdited.connect(lambda _t: self.chosen_pages.setChecked(True))
        self.to_pdf = QRadioButton(objectName="toPdf")
        self.to_printer = QRadioButton(objectName="toPrinter")
        self.to_pdf.setChecked(True)
        self.pdf_path = QLineEdit(objectName="pdfPath")
        self.browse = QPushButton(objectName="browsePdf")
        self.browse.clicked.connect(self._choose_file)
        self.status = QLabel(objectName="printStatus")
        self.preview_button = QPushButton(objectName="previewButton")
        self.print_button = QPushButton(objectName="printButton")
        self.close_button = QPushButton(objectName="closeButton")
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_now)
        self.close_button.clicked.connect(self.reject)

        self.form = QFormLayout()
        self.size_label = QLabel()
        self.form.addRow(self.size_label, self.size_box)
        pages = QVBoxLayout()
        pages.addWidget(self.all_pages)
        chosen = QHBoxLayout()
        chosen.addWidget(self.chosen_pages)
        chosen.addWidget(self.page_numbers)
        pages.addLayout(chosen)
        pages.addWidget(self.page_error)
        pages.addWidget(self.changed_pages)
        self.pages_label = QLabel()
        if kind == HANDBOOK:
            self.form.addRow(self.pages_label, pages)
        else:
            for widget in (self.all_pages, self.chosen_pages, self.page_numbers,
                           self.changed_pages, self.page_error):
                widget.setParent(self)
                widget.hide()
        output = QVBoxLayout()
        output.addWidget(self.to_printer)
        pdf_row = QHBoxLayout()
        pdf_row.addWidget(self.to_pdf)
        pdf_row.addWidget(self.pdf_path)
        pdf_row.addWidget(self.browse)
        output.addLayout(pdf_row)
        self.output_label = QLabel()
        self.form.addRow(self.output_label, output)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        self.retranslate()
        self._set_busy(True)
        self._load()

    # -- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(_("Print handbook") if self.kind == HANDBOOK
                            else _("Print today's visit sheets"))
        self.size_label.setText(_("Page size"))
        self.pages_label.setText(_("Pages"))
        self.all_pages.setText(_("The whole handbook"))
        self.chosen_pages.setText(_("Chosen pages:"))
        self.changed_pages.setText(_("Pages changed since the last print"))
        self.output_label.setText(_("Print to"))
        self.to_printer.setText(_("Printer"))
        self.to_pdf.setText(_("PDF file"))
        self.browse.setText(_("Choose…"))
        self.preview_button.setText(_("Preview"))
        self.print_button.setText(_("Print"))
        self.close_button.setText(_("Close"))

    # -- loading ----------------------------------------------------------------------------
    def _load(self) -> None:
        self.status.setText(_("Reading the record…"))
        session, person, today, kind = self.session, self.person_id, self.today, self.kind

        def op(_ctx: TaskContext) -> Any:
            if kind == SHEETS:
                return session.visit_sheets_data(today)
            return session.handbook_data(str(person), today)

        def loaded(data: Any) -> None:
            self.data = data
            self._set_busy(False)
            if kind == SHEETS:
                self.status.setText(_("{count} visit sheets", count=len(data)))
            else:
                self.status.setText("")
            self.loaded_callback()

        def failed(exc: BaseException) -> None:
            self.status.setText(_("The record could not be read."))
            from desktop.ui.errors import show_error

            show_error(self, exc)

        run_task(self, op, loaded, failed)

    def loaded_callback(self) -> None:
        """Called once the data is in (tests wait for it)."""

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.preview_button, self.print_button):
            widget.setEnabled(not busy)

    def _choose_file(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, _("Save PDF"), self.pdf_path.text(),
                                                    "PDF (*.pdf)")
        if path:
            self.pdf_path.setText(path if path.lower().endswith(".pdf") else path + ".pdf")
            self.to_pdf.setChecked(True)

    # -- choosing pages ---------------------------------------------------------------------
    def page_size(self) -> str:
        return self.size_box.currentText()

    def _selector(self) -> Callable:
        from desktop.printing import jobs

        self.page_error.clear_message()
        if self.kind == SHEETS or self.all_pages.isChecked():
            return jobs.select_all
        if self.chosen_pages.isChecked():
            try:
                return jobs.select_numbers(jobs.parse_page_ranges(self.page_numbers.text()))
            except ValueError:
                raise PageRangeError(self.page_numbers.text()) from None
        return self._changed_selector()

    def _changed_selector(self) -> Callable:
        session, person = self.session, str(self.person_id)

        def select(_person: str | None, pages: list) -> list:
            # Asked at print time against the pages as laid out now: the digests cover
            # what each page shows, so any new or edited value marks its page.
            changed = set(session.pages_changed_since_print(
                person, [(p.key, p.content_hash) for p in pages]))
            self.changed_keys = sorted(changed)
            return [p for p in pages if p.key in changed]

        return select

    # -- preview and print ------------------------------------------------------------------
    def preview(self) -> None:
        """Show QPrintPreviewDialog painted by the same layouts as the PDF."""
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        try:
            selector = self._selector()
        except AppError as exc:
            self.page_error.show_message(_message(exc))
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setFullPage(True)
        dialog = QPrintPreviewDialog(printer, self)
        dialog.setObjectName("printPreview")
        dialog.paintRequested.connect(lambda p: self._paint(p, selector))
        self.preview_dialog = dialog
        dialog.open()

    def _paint(self, device: Any, selector: Callable, progress: Any = None,
               cancelled: Any = None) -> list:
        from desktop.printing import jobs

        if self.kind == SHEETS:
            done = jobs.sheets_to_device(device, self.page_size(), self.data, progress,
                                         cancelled)
            return [done]
        return jobs.handbooks_to_device(device, self.page_size(), [self.data], selector,
                                        self.today, progress, cancelled)

    def print_now(self) -> None:
        """Print in the background (progress bar, Cancel), then log and audit it."""
        try:
            selector = self._selector()
        except AppError as exc:
            self.page_error.show_message(_message(exc))
            return
        size, kind, data, today = self.page_size(), self.kind, self.data, self.today
        session, person = self.session, self.person_id
        if self.to_pdf.isChecked():
            path_text = self.pdf_path.text().strip()
            if not path_text:
                self._choose_file()
                path_text = self.pdf_path.text().strip()
                if not path_text:
                    return
            target, printer = "pdf", None
        else:
            from PySide6.QtPrintSupport import QPrintDialog, QPrinter

            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setFullPage(True)
            chooser = QPrintDialog(printer, self)
            if chooser.exec() != QDialog.DialogCode.Accepted:
                return
            target, path_text = "printer", ""

        def op(ctx: TaskContext) -> list:
            from desktop.printing import jobs

            stop = lambda: ctx.cancelled  # noqa: E731 - read on the worker thread
            try:
                if kind == SHEETS:
                    if printer is None:
                        done = jobs.sheets_to_pdf(Path(path_text), size, data, ctx.report,
                                                  stop)
                    else:
                        done = jobs.sheets_to_device(printer, size, data, ctx.report, stop)
                    persons = sorted({s["person_id"] for s in data})
                    session.record_sheets_print(persons, len(done.pages), target, size)
                    return [done]
                if printer is None:
                    docs = jobs.handbooks_to_pdf(Path(path_text), size, [data], selector,
                                                 today, ctx.report, stop)
                else:
                    docs = jobs.handbooks_to_device(printer, size, [data], selector, today,
                                                    ctx.report, stop)
            except jobs.PrintCancelled:
                raise Cancelled() from None
            except OSError as exc:
                from desktop.services.printing_service import PrintOutputError

                raise PrintOutputError(str(exc), path=path_text or target) from exc
            for doc in docs:
                session.record_print(doc.person_id or person, doc.pages, target, size)
            return docs

        def done(result: list) -> None:
            self.last_result = result
            pages = sum(len(d.pages) for d in result)
            self.status.setText(_("{count} pages printed.", count=pages) if pages
                                else _("No page to print."))
            self.printed_callback()

        run_task(self, op, done, progress_label=_("Printing…"))

    def printed_callback(self) -> None:
        """Called after a print finished (tests wait for it)."""


def _message(exc: AppError) -> str:
    from desktop.i18n.messages import error_text

    return error_text(exc)


def open_print_dialog(parent: QWidget | None, session: Session, person_id: str) -> PrintDialog:
    """Open the print dialog for one woman's or child's handbook (not blocking)."""
    dialog = PrintDialog(session, person_id, parent)
    dialog.open()
    return dialog


def open_visit_sheets_dialog(parent: QWidget | None, session: Session,
                             today: date | None = None) -> PrintDialog:
    """Open the dialog that prints one sheet per visit due today or overdue."""
    dialog = PrintDialog(session, None, parent, kind=SHEETS, today=today)
    dialog.open()
    return dialog
