"""Words for the risk codes of desktop.domain.risk: grading criteria (附件2), screening items
(附件1) and the extra ticks the criteria read, plus the risk colours.

Every code of ``risk.FLAG_FACTS`` has a text here (tests/ui/test_women_texts.py checks it), so
a reason stored with an assessment is always shown in words. The Chinese catalog renders each
text from the criterion's own Chinese wording in risk.py (shortened where that wording lists
many examples); a criterion whose wording covers two codes (age ≥35 or ≤18) gets one text per
code.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from desktop.i18n import N_, _

COLOUR_TEXTS: Mapping[str, str] = MappingProxyType({
    "green": N_("Green"),
    "yellow": N_("Yellow"),
    "orange": N_("Orange"),
    "red": N_("Red"),
    "purple": N_("Purple"),
})

CRITERION_TEXTS: Mapping[str, str] = MappingProxyType({
    # yellow 1: basic situation
    "age_35_or_over": N_("Age 35 or over"),
    "age_18_or_under": N_("Age 18 or under"),
    "bmi_over_25": N_("BMI over 25"),
    "bmi_under_18_5": N_("BMI under 18.5"),
    "genital_tract_malformation": N_("Genital tract malformation"),
    "small_pelvis": N_("Small pelvis"),
    "adverse_obstetric_history": N_("Adverse obstetric history (3 or more abortions, preterm "
                                    "birth, perinatal death, birth defect, ectopic pregnancy, "
                                    "trophoblastic disease)"),
    "scarred_uterus": N_("Scarred uterus"),
    "fibroid_or_ovarian_cyst_5cm": N_("Uterine fibroid or ovarian cyst of 5 cm or more"),
    "pelvic_surgery_history": N_("Pelvic surgery in the past"),
    "assisted_reproduction": N_("Pregnancy by assisted reproduction"),
    # yellow 2: complications without treatment
    "heart_disease_no_treatment": N_("Heart disease needing no drugs, normal heart function"),
    "respiratory_disease_no_treatment": N_("Respiratory disease needing no drugs, normal lung "
                                           "function"),
    "hbsag_positive": N_("Hepatitis B carrier (HBsAg positive, normal liver function)"),
    "renal_disease_stable": N_("Kidney disease, stable with normal kidney function"),
    "endocrine_disease_no_treatment": N_("Diabetes, thyroid disease or prolactinoma needing "
                                         "no drugs"),
    "thrombocytopenia_plt_50_to_100": N_("Low platelets (PLT 50–100 ×10⁹/L) without bleeding "
                                         "tendency"),
    "anaemia_hb_60_to_110": N_("Anaemia (Hb 60–110 g/L)"),
    "neurological_disease_mild": N_("Epilepsy (partial seizures) or ocular myasthenia gravis"),
    "immune_disease_no_treatment": N_("Immune disease needing no drugs (e.g. lupus, IgA "
                                      "nephropathy, rheumatoid arthritis)"),
    "sexually_transmitted_disease": N_("Sexually transmitted disease (genital warts, "
                                       "gonorrhoea…)"),
    # yellow 3: pregnancy complications
    "premature_rupture_of_membranes": N_("Premature rupture of membranes"),
    "oligohydramnios": N_("Too little amniotic fluid"),
    "polyhydramnios": N_("Too much amniotic fluid"),
    "malpresentation_at_36_weeks": N_("Abnormal fetal position at 36 weeks or later"),
    "low_lying_placenta": N_("Low-lying placenta"),
    "hyperemesis_gravidarum": N_("Severe vomiting of pregnancy"),
    "multiple_pregnancy": N_("Twin pregnancy"),
    "threatened_preterm_labour": N_("Threatened preterm labour"),
    "fetal_growth_restriction": N_("Fetal growth restriction"),
    "macrosomia": N_("Large baby (macrosomia)"),
    "hypertensive_disorder_mild": N_("Hypertensive disorder of pregnancy (not orange or red)"),
    "intrahepatic_cholestasis": N_("Intrahepatic cholestasis of pregnancy"),
    # orange
    "age_40_or_over": N_("Age 40 or over"),
    "bmi_28_or_over": N_("BMI 28 or over"),
    "heart_function_mildly_reduced": N_("Heart function class II, mild left heart dysfunction "
                                        "or EF 40–50 %"),
    "arrhythmia_or_myocarditis_treated": N_("Myocarditis sequelae or arrhythmia needing drugs"),
    "valvular_heart_disease_mild": N_("Mild valvular heart disease"),
    "aortic_disease_mild": N_("Aortic disease (diameter under 45 mm), after coarctation repair"),
    "cardiomyopathy_stable": N_("Cardiomyopathy, stable after treatment"),
    "pulmonary_hypertension_mild": N_("Mild pulmonary hypertension (under 50 mmHg)"),
    "cardiovascular_other": N_("Other cardiovascular disease"),
    "asthma": N_("Asthma"),
    "scoliosis_or_chest_wall_deformity": N_("Scoliosis or chest deformity with mild lung "
                                            "insufficiency"),
    "liver_dysfunction_unexplained": N_("Liver function abnormal for unknown reason"),
    "digestive_disease_drug_treated": N_("Cirrhosis, bowel obstruction or digestive bleeding "
                                         "needing drugs only"),
    "chronic_kidney_disease_compensated": N_("Chronic kidney disease with compensated kidney "
                                             "insufficiency"),
    "endocrine_disease_drug_treated": N_("Diabetes, thyroid disease or prolactinoma needing "
                                         "drugs"),
    "nephrogenic_diabetes_insipidus": N_("Nephrogenic diabetes insipidus"),
    "thrombocytopenia_plt_30_to_50": N_("Low platelets (PLT 30–50 ×10⁹/L)"),
    "anaemia_hb_40_to_60": N_("Severe anaemia (Hb 40–60 g/L)"),
    "coagulopathy": N_("Coagulation disorder without bleeding tendency"),
    "thrombophilia": N_("Thrombophilia (e.g. antiphospholipid syndrome)"),
    "immune_disease_low_dose_steroid": N_("Immune disease on low-dose steroids for 6 months or "
                                          "more, not active"),
    "neurological_disease_moderate": N_("Nervous system disease"),
    "malignancy": N_("Malignant tumour"),
    "uterine_surgery_2_or_more": N_("Two or more uterine operations (caesarean, myomectomy…)"),
    "multiple_or_polyhydramnios_cardiopulmonary": N_("Twins or too much amniotic fluid with "
                                                     "reduced heart-lung function"),
    "severe_preeclampsia": N_("Severe pre-eclampsia, or chronic hypertension with "
                              "pre-eclampsia"),
    "fever_unexplained": N_("Fever of unknown cause"),
    "puerperal_complication": N_("Postpartum depression, heat stroke or infection"),
    # red
    "pulmonary_hypertension_severe": N_("Pulmonary hypertension (50 mmHg or more)"),
    "severe_heart_disease": N_("Severe heart disease"),
    "infective_endocarditis": N_("Infective endocarditis"),
    "heart_function_nyha_3_4": N_("Heart function class III–IV"),
    "ejection_fraction_under_40": N_("Ejection fraction (EF) under 40 %"),
    "status_asthmaticus": N_("Status asthmaticus"),
    "decompensated_cirrhosis": N_("Decompensated cirrhosis"),
    "chronic_kidney_disease_severe": N_("Chronic kidney disease with severe hypertension, "
                                        "proteinuria, kidney failure"),
    "thrombocytopenia_severe": N_("Low platelets (PLT under 30 ×10⁹/L), falling, or with "
                                  "bleeding tendency"),
    "anaemia_hb_40_or_under": N_("Severe anaemia (Hb 40 g/L or less)"),
    "aplastic_anaemia": N_("Aplastic anaemia"),
    "leukaemia": N_("Leukaemia"),
    "coagulopathy_with_bleeding": N_("Coagulation disorder with bleeding tendency"),
    "thromboembolic_disease": N_("Thromboembolic disease"),
    "placenta_accreta_spectrum": N_("Pernicious placenta praevia"),
    # purple: infectious diseases
    "viral_hepatitis": N_("Viral hepatitis"),
    "hbv_infection": N_("Hepatitis B virus infection"),
    "syphilis": N_("Syphilis"),
    "hiv": N_("HIV infection or AIDS"),
    "tuberculosis": N_("Tuberculosis"),
    "severe_infectious_pneumonia": N_("Severe infectious pneumonia"),
    "special_viral_infection": N_("Special viral infection (H1N7, Zika…)"),
    # Zhejiang 2018 additions (not applied by default, named so stored reasons still read)
    "height_145_or_under": N_("Height 145 cm or less"),
    "intellectual_disability_mild": N_("Mild intellectual disability"),
    "drug_use_history": N_("History of drug use"),
    "uterine_scar_under_18_months": N_("Scarred uterus, under 18 months since the last uterine "
                                       "operation"),
    "essential_hypertension": N_("Essential hypertension, BP persistently 140/90 mmHg or more"),
    "heart_failure_history": N_("Heart failure in the past"),
    "uterine_rupture_history": N_("Uterine rupture in the past"),
    "caesareans_3_or_more": N_("Three or more caesareans"),
})

SCREENING_TEXTS: Mapping[str, str] = MappingProxyType({
    "screen_age": N_("Age 35 or over, or 18 or under"),
    "screen_height": N_("Height 145 cm or less, or a physical disability affecting birth"),
    "screen_bmi": N_("BMI over 25 or under 18.5"),
    "screen_rh_negative": N_("Rh negative blood group"),
    "screen_birth_interval": N_("Birth interval under 18 months or over 5 years"),
    "screen_previous_caesarean": N_("Caesarean in the past"),
    "screen_infertility": N_("Infertility in the past"),
    "screen_adverse_obstetric_history": N_("Adverse obstetric history"),
    "screen_current_pregnancy_abnormal": N_("This pregnancy abnormal (multiple, assisted "
                                            "reproduction…)"),
    "screen_genital_tract_malformation": N_("Genital tract malformation"),
    "screen_fibroid_or_cyst": N_("Uterine fibroid or ovarian cyst of 5 cm or more"),
    "screen_vaginal_or_cervical_surgery": N_("Vaginal surgery or cervical conisation"),
    "screen_hysteroscopic_or_laparoscopic_surgery": N_("Hysteroscopic or laparoscopic "
                                                       "surgery"),
    "screen_scarred_uterus": N_("Scarred uterus"),
    "screen_gynaecological_malignancy_surgery": N_("Surgery for a uterine or adnexal "
                                                   "malignancy"),
    "screen_family_hypertension": N_("Family history of hypertension and BP 140/90 mmHg or "
                                     "more now"),
    "screen_family_diabetes": N_("Diabetes (close relatives)"),
    "screen_family_coagulation_deficiency": N_("Coagulation factor deficiency"),
    "screen_family_hereditary_disease": N_("Severe hereditary disease (haemophilia, "
                                           "thalassaemia…)"),
    "screen_organ_disease": N_("Disease of an important organ in the past"),
    "screen_malignancy": N_("Malignant tumour in the past"),
    "screen_other_surgery_or_drug_allergy": N_("Other major surgery or drug allergy"),
    "screen_hb": N_("Haemoglobin under 110 g/L"),
    "screen_plt": N_("Platelets under 100 ×10⁹/L"),
    "screen_syphilis": N_("Syphilis screening positive"),
    "screen_hiv": N_("HIV screening positive"),
    "screen_urine": N_("Abnormal urine test twice or more"),
    "screen_glucose": N_("Glycosuria and abnormal fasting glucose"),
    "screen_ferritin": N_("Serum ferritin under 20 µg/L"),
    "screen_cardiorespiratory": N_("Heart or lung symptoms, or BP 140/90 mmHg or more"),
    "screen_digestive": N_("Digestive symptoms or history"),
    "screen_urinary": N_("Urinary symptoms or history"),
    "screen_haematological": N_("Blood disease symptoms or history"),
    "screen_endocrine_immune": N_("Endocrine or immune symptoms"),
    "screen_std_history": N_("Sexually transmitted disease in the past"),
    "screen_psychiatric_neurological": N_("Mental or neurological problems"),
    "screen_drug_abuse": N_("Drug use"),
})

TICK_TEXTS: Mapping[str, str] = MappingProxyType({
    "bleeding_tendency": N_("Bleeding tendency"),
    "cardiopulmonary_function_reduced": N_("Reduced heart-lung function"),
    "chronic_hypertension_with_preeclampsia": N_("Chronic hypertension with pre-eclampsia"),
    "family_history_hypertension": N_("Family history of hypertension"),
    "glycosuria": N_("Glucose in urine"),
    "malpresentation": N_("Abnormal fetal position"),
    "physical_disability": N_("Physical disability affecting birth"),
    "plt_falling": N_("Platelets falling"),
    "previous_birth_defect": N_("Birth defect in a previous pregnancy"),
    "previous_ectopic_pregnancy": N_("Ectopic pregnancy in the past"),
    "previous_perinatal_death": N_("Perinatal death in the past"),
    "previous_preterm_birth": N_("Preterm birth in the past"),
    "previous_trophoblastic_disease": N_("Trophoblastic disease in the past"),
    "rh_negative": N_("Rh negative"),
})

SCREENING_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # The sections of 附件1 孕产妇妊娠风险筛查表, in form order.
    (N_("1 Basic situation"), ("screen_age", "screen_height", "screen_bmi",
                               "screen_rh_negative")),
    (N_("2 Pregnancy and birth history"), (
        "screen_birth_interval", "screen_previous_caesarean", "screen_infertility",
        "screen_adverse_obstetric_history", "screen_current_pregnancy_abnormal")),
    (N_("3 Gynaecological disease and surgery"), (
        "screen_genital_tract_malformation", "screen_fibroid_or_cyst",
        "screen_vaginal_or_cervical_surgery", "screen_hysteroscopic_or_laparoscopic_surgery",
        "screen_scarred_uterus", "screen_gynaecological_malignancy_surgery")),
    (N_("4 Family history"), (
        "screen_family_hypertension", "screen_family_diabetes",
        "screen_family_coagulation_deficiency", "screen_family_hereditary_disease")),
    (N_("5 Past diseases and surgery"), (
        "screen_organ_disease", "screen_malignancy", "screen_other_surgery_or_drug_allergy")),
    (N_("6 Tests"), ("screen_hb", "screen_plt", "screen_syphilis", "screen_hiv",
                     "screen_urine", "screen_glucose", "screen_ferritin")),
    (N_("7 Signs and history to watch"), (
        "screen_cardiorespiratory", "screen_digestive", "screen_urinary",
        "screen_haematological", "screen_endocrine_immune", "screen_std_history",
        "screen_psychiatric_neurological", "screen_drug_abuse")),
)
"""Screening items as the form groups them."""

HISTORY_TICKS: tuple[str, ...] = (
    "previous_preterm_birth", "previous_perinatal_death", "previous_birth_defect",
    "previous_ectopic_pregnancy", "previous_trophoblastic_disease",
    "family_history_hypertension", "physical_disability", "glycosuria", "malpresentation",
    "bleeding_tendency", "plt_falling", "cardiopulmonary_function_reduced",
    "chronic_hypertension_with_preeclampsia",
)
"""Facts the criteria read that are neither a criterion nor a screening item."""

ALL_TEXTS: Mapping[str, str] = MappingProxyType(
    {**SCREENING_TEXTS, **TICK_TEXTS, **CRITERION_TEXTS})


def colour_text(colour: str) -> str:
    return _(COLOUR_TEXTS[colour]) if colour in COLOUR_TEXTS else colour


def factor_text(code: str) -> str:
    """The words for a risk reason, screening item or tick code (the code itself if
    unknown, so a code from a newer version still shows)."""
    text = ALL_TEXTS.get(code)
    return _(text) if text else code


def factors_text(codes: object) -> str:
    """Several codes as one line of words."""
    if not isinstance(codes, list | tuple):
        return ""
    # Translators: between two risk factors in a list.
    return _("; ").join(factor_text(str(c)) for c in codes)
