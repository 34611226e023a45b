"""Words for the codes that lower layers raise and return (errors, roles)."""

from __future__ import annotations

from desktop.errors import AppError
from desktop.i18n import N_, _

ERROR_TEXTS = {
    "error.unexpected": N_("Something went wrong. Nothing was saved by the failed step."),
    "error.usage": N_("The command was not used correctly: {detail}"),
    "store.error": N_("The data file could not be used: {detail}"),
    "store.not_found": N_("There is no Eke data in this folder yet."),
    "store.exists": N_("This folder already holds Eke data."),
    "store.wrong_password": N_("The user name or password is not right."),
    "store.login_throttled": N_("Too many wrong passwords. Please wait {seconds} seconds."),
    "store.unknown_user": N_("This user cannot open the data any more."),
    "store.damaged": N_("The data file is damaged. Restore it from a backup."),
    "store.too_new": N_("This data was written by a newer version of Eke. Please update Eke."),
    "store.busy": N_("The data is busy in another window. Please try again."),
    "store.record": N_("The record could not be saved: {detail}"),
    "store.permission_denied": N_("Your role does not allow this."),
    "service.password_empty": N_("The password must not be empty."),
    "service.password_mismatch": N_("The two passwords are not the same."),
    "service.password_short": N_("The password must have at least {length} characters."),
    "service.username_invalid": N_("A user name has 2 to 32 letters, digits, dots or dashes."),
    "service.username_taken": N_("This user name is taken."),
    "service.area_invalid": N_("Area code {code} is not a {digits}-digit code."),
    "service.last_admin": N_("The last administrator cannot be removed."),
    "service.no_password": N_("Set the password in the EKE_PASSWORD environment variable."),
    "service.demo_persons": N_("The number of persons must be 0 or more."),
    "service.demo_area": N_("Area {code} is not a 6-digit county code or a 9-digit township code."),
    "store.backup_foreign": N_("This backup does not belong to this data (it comes from another "
                               "computer's Eke, or it is damaged). Nothing was changed."),
    "store.backup_stopped": N_("The backup was stopped before it was complete. Nothing was kept."),
    "store.package_invalid": N_("{detail} is not an Eke package or backup that can be opened "
                                "here. Nothing was changed."),
    "sync.error": N_("Sync with central failed. Nothing was lost; try again later."),
    "sync.offline": N_("Central could not be reached (no network, or the server is down)."
                       " Your changes are kept and will be sent next time."),
    "sync.unauthorized": N_("Central does not accept this laptop any more. An administrator"
                            " must enrol it again."),
    "sync.forbidden": N_("Central refused a record outside this laptop's areas."),
    "sync.version": N_("Central speaks a newer sync protocol. Please update Eke."),
    "sync.rejected": N_("Central refused the request ({detail}). Your changes are kept."),
    "sync.not_enrolled": N_("This laptop is not enrolled with central yet. An administrator"
                            " enrols it on the Sync page."),
    "sync.bad_endpoint": N_("The central address must begin with https:// or http://."),
    "sync.bad_code": N_("The enrollment code is not right, or it was already used."),
    "sync.not_json": N_("The answer did not come from central (perhaps a Wi-Fi login page)."
                        " Log in to the network first. Nothing was sent as done."),
    "sync.bad_answer": N_("Central's answer could not be understood. Check the address."),
    "sync.cancelled": N_("Sync stopped. What was sent and received so far is kept."),
    "sync.busy": N_("A sync is already running."),
    "sync.conflict_gone": N_("This conflict was already resolved."),
    # child health (issue 4): form checks and services
    "validation.not_positive": N_("Enter a value above 0 {unit}."),
    "validation.out_of_range": N_("{value} {unit} is not possible here: enter a value from "
                                  "{low} to {high} {unit}."),
    "validation.not_a_number": N_("\u201c{value}\u201d is not a number."),
    "validation.before_birth": N_("The date {date} is before the birth ({birth})."),
    "validation.in_future": N_("The date {date} is in the future."),
    "validation.child_too_old": N_("The child is older than {years} years: the handbook "
                                   "covers children up to {years}."),
    "validation.implausible_z": N_("This measurement gives a z-score of {z}, outside the range "
                                   "WHO considers plausible. Check it, then confirm."),
    "validation.visit_date_required": N_("Enter the date."),
    "validation.not_a_date": N_("\u201c{value}\u201d is not a date."),
    "validation.unknown_choice": N_("\u201c{value}\u201d is not one of the choices."),
    "validation.sex_required": N_("Choose the child's sex."),
    "validation.area_not_yours": N_("Area {code} is not one of the villages you serve."),
    "validation.dose_already_given": N_("Dose {dose} of {vaccine} is already recorded."),
    "validation.dose_unknown": N_("{vaccine} dose {dose} is not on the immunization schedule."),
    "validation.dose_too_early": N_("{vaccine} dose {dose} is earlier than allowed (from "
                                    "{earliest}). Check the date, then confirm."),
    "validation.mother_unknown": N_("The mother's record was not found."),
    "validation.defects_required": N_("Describe at least one birth defect."),
    "validation.invalid": N_("Some values cannot be saved: {detail}"),
    "validation.confirm": N_("{count} values are unusual. Check them, then confirm to save."),
    "service.child_not_found": N_("This child's record was not found."),
    "service.unknown_code": N_("Unknown code: {detail}"),
    # maternal care (issue 3): form checks and services
    "service.validation": N_("Some fields need correcting before this can be saved. Nothing was "
                             "saved."),
    "service.possible_duplicate": N_("{count} registered persons may be the same person. Check "
                                     "them before saving."),
    "service.not_found": N_("This record was not found. It may have been deleted."),
    "service.state": N_("This cannot be done with the record as it is now ({detail})."),
    "validation.required": N_("This field is required."),
    "validation.name_required": N_("Enter the name in Chinese characters or in Mongolian script."),
    "validation.text_too_long": N_("This text is too long: at most {maximum} characters (now "
                                   "{length})."),
    "validation.name_too_long": N_("A name has at most {maximum} characters (this one has "
                                   "{length})."),
    "validation.name_bad_characters": N_("A name cannot contain {characters}. Use letters only."),
    "validation.name_legacy_mongolian": N_("This Mongolian text was typed with an old input "
                                           "method that other computers cannot read. Retype it "
                                           "with a standard Mongolian keyboard."),
    "validation.number_invalid": N_("Enter a number."),
    "validation.number_not_whole": N_("Enter a whole number."),
    "validation.value_too_low": N_("{value} is too low: the lowest possible value is {minimum}."),
    "validation.value_too_high": N_("{value} is too high: the highest possible value is "
                                    "{maximum}."),
    "validation.value_unusual": N_("{value} is unusual. Check it before saving."),
    "validation.weight_in_jin": N_("{value} looks like jin, not kg. Enter the weight in kg ({kg} "
                                   "kg?)."),
    "validation.height_in_metres": N_("{value} looks like metres. Enter the height in cm ({cm} "
                                      "cm?)."),
    "validation.birth_weight_in_grams": N_("{value} looks like grams. Enter the birth weight in "
                                           "kg ({kg} kg?)."),
    "validation.bp_systolic_not_above_diastolic": N_("The systolic pressure ({sbp}) must be "
                                                     "higher than the diastolic ({dbp})."),
    "validation.bp_unusual": N_("Blood pressure {value} mmHg is unusual. Check it; a high reading"
                                " needs action."),
    "validation.hb_unusual": N_("Haemoglobin {value} g/L is unusual. Check it; very low values "
                                "need action."),
    "validation.fhr_unusual": N_("Fetal heart rate {value}/min is outside 110–160. Check it."),
    "validation.glucose_unusual": N_("Blood glucose {value} mmol/L is unusual. Check it."),
    "validation.blood_loss_high": N_("Blood loss of {value} mL is a postpartum haemorrhage. Check"
                                     " it."),
    "validation.date_invalid": N_("Enter a date as YYYY-MM-DD."),
    "validation.date_in_future": N_("This date is in the future."),
    "validation.date_before_birth": N_("This date is before the woman's birth date."),
    "validation.lmp_after_visit": N_("The visit date is before the last menstrual period. Check "
                                     "both dates."),
    "validation.lmp_after_registration": N_("The last menstrual period is after the registration "
                                            "date."),
    "validation.ga_too_high": N_("This gives {weeks} weeks of pregnancy, more than 44. Check the "
                                 "dates."),
    "validation.ga_too_low": N_("This date is before the pregnancy began. Check the dates."),
    "validation.resident_id_invalid": N_("This is not a valid resident ID number: check every "
                                         "digit (the last one is a check digit)."),
    "validation.resident_id_birth_mismatch": N_("The birth date differs from the one in the ID "
                                                "number ({id_date})."),
    "validation.resident_id_sex_mismatch": N_("This ID number belongs to a man. Check it."),
    "validation.phone_invalid": N_("Enter an 11-digit mobile number starting with 1, or a "
                                   "landline with its area code."),
    "validation.age_unusual": N_("Age {age} is unusual for a pregnancy. Check the birth date."),
    "validation.age_impossible": N_("Age {age} is not possible here. Check the birth date."),
    "validation.choice_invalid": N_("“{value}” is not one of the choices."),
    "validation.area_invalid": N_("Choose the village (12-digit area code)."),
    "validation.parity_not_below_gravidity": N_("Parity must be lower than gravidity (this "
                                                "pregnancy counts in gravidity)."),
    "validation.handbook_invalid": N_("A handbook number has letters, digits and dashes only (at "
                                      "most 30)."),
    "validation.date_before_delivery": N_("This date is before the delivery."),
    "validation.discharge_before_delivery": N_("The discharge date is before the delivery."),
    "validation.refer_reason_required": N_("Give the reason for the referral."),
    "validation.babies_required": N_("Enter each baby (twins: two babies)."),
    "validation.date_before_lmp": N_("This date is before the last menstrual period."),
    "validation.ultrasound_after_visit": N_("The ultrasound date is after the visit."),
    "validation.screening_unknown": N_("Unknown screening item {code}."),
    "service.print_output": N_("The PDF could not be written to {path}: {detail}"),
    "service.print_nothing": N_("There is nothing to print: no person was chosen or found."),
    "service.print_pages": N_("Enter page numbers like 1-3, 7."),
    "report.period_invalid": N_("The period must be months like 2025-01..2025-12 (the first"
                                " month not after the last): {period}"),
    "report.area_invalid": N_("The area must be a township (9 digits) or village (12 digits)"
                              " code of your own area: {area}"),
    "report.stopped": N_("The report was stopped."),
    # sync: updates, central's refusals, records that cannot travel, USB bundles
    "sync.client_too_old": N_("This version of Eke is too old for central. Please update Eke"
                              " to version {min_version} or newer. Your changes are kept and"
                              " will be sent after the update."),
    "central.rate_limited": N_("Central is receiving too much from this laptop just now. Your"
                               " changes are kept; sync again in a few minutes."),
    "central.busy": N_("Central is busy just now. Your changes are kept; sync again in a few"
                       " minutes."),
    "central.scope.out_of_area": N_("Central refused this record: it lies outside this"
                                    " laptop's areas."),
    "central.scope.unknown_person": N_("Central refused this record: the person it belongs to"
                                       " is not known at central yet."),
    "central.auth.forbidden": N_("Central refused a record outside this laptop's areas."),
    "central.auth.wrong_device": N_("Central refused a record outside this laptop's areas."),
    "central.batch.id_taken": N_("Central refused these changes because their batch number is"
                                 " used by another laptop. Tell your administrator."),
    "central.conflict": N_("Central refused these changes because their batch number is"
                           " used by another laptop. Tell your administrator."),
    "sync.record_too_large": N_("This record is too large to send to central."),
    "sync.unknown_table": N_("This change comes from a newer version of Eke and cannot be"
                             " applied here. Please update Eke."),
    "sync.unknown_field": N_("This change comes from a newer version of Eke and cannot be"
                             " applied here. Please update Eke."),
    "sync.apply_failed": N_("This change cannot be applied yet (a record it belongs to has not"
                            " arrived). It is tried again after each sync."),
    "sync.protocol": N_("A record or an answer is not in the form sync expects. It is kept;"
                        " tell your administrator."),
    "sync.protocol.bad_json": N_("The answer did not come from central (perhaps a Wi-Fi login"
                                 " page). Log in to the network first. Nothing was sent as"
                                 " done."),
    "sync.protocol.bad_encoding": N_("A record or an answer is not in the form sync expects."
                                     " It is kept; tell your administrator."),
    "sync.protocol.too_large": N_("This record is too large to send to central."),
    "sync.protocol.version": N_("Central speaks a newer sync protocol. Please update Eke."),
    "sync.protocol.missing": N_("A record or an answer is not in the form sync expects. It is"
                                " kept; tell your administrator."),
    "sync.protocol.unknown_key": N_("A record or an answer is not in the form sync expects."
                                    " It is kept; tell your administrator."),
    "sync.protocol.bad_type": N_("A record or an answer is not in the form sync expects. It"
                                 " is kept; tell your administrator."),
    "sync.protocol.bad_table": N_("A record or an answer is not in the form sync expects. It"
                                  " is kept; tell your administrator."),
    "sync.protocol.bad_id": N_("A record or an answer is not in the form sync expects. It is"
                               " kept; tell your administrator."),
    "sync.protocol.bad_rev": N_("A record or an answer is not in the form sync expects. It is"
                                " kept; tell your administrator."),
    "sync.protocol.bad_device": N_("A record or an answer is not in the form sync expects. It"
                                   " is kept; tell your administrator."),
    "sync.protocol.bad_field": N_("A record or an answer is not in the form sync expects. It"
                                  " is kept; tell your administrator."),
    "sync.protocol.bad_value": N_("A record or an answer is not in the form sync expects. It"
                                  " is kept; tell your administrator."),
    "sync.protocol.too_long": N_("A text in this record is too long to send to central."),
    "sync.protocol.bad_area": N_("This record's area code is not one central accepts."),
    "sync.protocol.bad_code": N_("The enrollment code is not right, or it was already used."),
    "sync.protocol.bad_cursor": N_("A record or an answer is not in the form sync expects. It"
                                   " is kept; tell your administrator."),
    "sync.bundle": N_("This bundle file cannot be used. Nothing was changed."),
    "sync.bundle.not_a_bundle": N_("This file is not an Eke bundle, or it is damaged. Nothing"
                                   " was changed."),
    "sync.bundle.format": N_("This bundle was written by a newer version of Eke. Please update"
                             " Eke. Nothing was changed."),
    "sync.bundle.auth": N_("This bundle was altered or damaged after it was written, or it was"
                           " made for another laptop. Nothing was changed."),
    "sync.bundle.wrong_device": N_("This bundle was written for another laptop. Nothing was"
                                   " changed."),
    "sync.bundle.direction": N_("This bundle goes the other way: this laptop wrote it for"
                                " central. Import the bundle central wrote for this laptop."
                                " Nothing was changed."),
    "sync.bundle.too_large": N_("This bundle is too large to be read. Nothing was changed."),
    "sync.bundle.file": N_("The bundle file {path} could not be read or written ({detail})."
                           " Check the USB stick. Nothing was changed."),
}

ROLE_TEXTS = {
    "village_doctor": N_("Village doctor"),
    "mch_worker": N_("Township MCH worker"),
    "admin": N_("Administrator"),
}


def error_text(exc: BaseException) -> str:
    """One clear line for *exc* in the current language."""
    if isinstance(exc, AppError):
        template = ERROR_TEXTS.get(exc.code, ERROR_TEXTS["error.unexpected"])
        params = {"detail": exc.detail, **exc.params}
        try:
            return _(template, **params)
        except (KeyError, IndexError):
            return _(template)
    return _(ERROR_TEXTS["error.unexpected"])


def role_text(role: str) -> str:
    return _(ROLE_TEXTS.get(role, role))


def issue_text(issue: object) -> str:
    """The message for one ValidationIssue (field, code, params), to show beside its field."""
    code = getattr(issue, "code", "")
    params = dict(getattr(issue, "params", {}) or {})
    template = ERROR_TEXTS.get(code, ERROR_TEXTS["validation.invalid"]
                               if "validation.invalid" in ERROR_TEXTS
                               else ERROR_TEXTS["error.unexpected"])
    try:
        return _(template, **{"detail": code, **params})
    except (KeyError, IndexError):
        return _(template)

# Maternal care (issue 3): words for the codes the maternal services return.
WORK_KIND_TEXTS = {
    "prenatal_1": N_("Booking and first prenatal check (before 13 weeks)"),
    "prenatal_2": N_("2nd prenatal check (16–20 weeks)"),
    "prenatal_3": N_("3rd prenatal check (21–24 weeks)"),
    "prenatal_4": N_("4th prenatal check (28–36 weeks)"),
    "prenatal_5": N_("5th prenatal check (37–40 weeks)"),
    "delivery_record": N_("Record the delivery (the due date has passed)"),
    "postpartum_7d": N_("Postpartum home visit (3–7 days after discharge)"),
    "postpartum_42d": N_("42-day postpartum check"),
    "case_followup": N_("High-risk case follow-up"),
}
RISK_COLOUR_TEXTS = {
    "green": N_("Green (low risk)"),
    "yellow": N_("Yellow (general risk)"),
    "orange": N_("Orange (higher risk)"),
    "red": N_("Red (high risk)"),
    "purple": N_("Purple (infectious disease)"),
}
CASE_STATUS_TEXTS = {
    "registered": N_("Registered"),
    "reported": N_("Reported"),
    "managed": N_("Under management"),
    "referred": N_("Referred"),
    "treated": N_("Treated"),
    "closed": N_("Closed"),
}
REFERRAL_LEVEL_TEXTS = {
    "township": N_("Township health centre"),
    "secondary": N_("Secondary hospital or above"),
    "county": N_("County-level or higher critical maternal care centre"),
    "tertiary": N_("Tertiary hospital"),
}
WORKLIST_OUTCOME_TEXTS = {
    "not_reachable": N_("Not reachable"),
    "moved_away": N_("Moved away"),
}


def code_text(texts: dict[str, str], code: str | None) -> str:
    """The words for *code* from one of the tables above (the code itself if unknown)."""
    if not code:
        return ""
    return _(texts[code]) if code in texts else code
