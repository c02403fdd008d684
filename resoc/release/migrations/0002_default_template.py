"""The default release-preparation timeline, after the practice of Cabinet Regulation No. 191 of 2013.

Data, not code: administrators change the steps in the admin, or add templates of their own (for
juveniles, for foreigners to be expelled…). Offsets count days from the expected release date.
"""

from django.db import migrations

CODE = "standard"
NAME = "Standarta sagatavošana atbrīvošanai"
NAME_EN = "Standard release preparation"

P, V, M, N = "prison", "probation_unit", "municipality", "ngo"
OFFICER, PROBATION, SOCIAL, NGO = (
    "resocialization_officer",
    "probation_officer",
    "social_worker",
    "ngo_coordinator",
)

# (offset days, area, slot, role, Latvian title, English title)
STEPS = [
    (
        -180,
        "documents",
        P,
        OFFICER,
        "Pārbaudīt personu apliecinošos dokumentus (pase, personas apliecība) un personas kodu",
        "Check the identity documents (passport, ID card) and the personal code",
    ),
    (
        -180,
        "accommodation",
        P,
        OFFICER,
        "Noskaidrot dzīvesvietu pēc atbrīvošanas un pašvaldību, uz kuru persona atgriezīsies",
        "Establish where the person will live after release and the municipality of return",
    ),
    (
        -180,
        "family",
        P,
        OFFICER,
        "Apzināt ģimenes un tuvinieku atbalstu; piedāvāt ģimenes konsultāciju",
        "Map the support of family and close people; offer a family consultation",
    ),
    (
        -90,
        "documents",
        P,
        OFFICER,
        "Noformēt personas apliecību vai pasi PMLP, ja derīgas nav",
        "Have an ID card or passport issued by the Office of Citizenship and Migration Affairs if none is valid",
    ),
    (
        -90,
        "accommodation",
        M,
        SOCIAL,
        "Izvērtēt vajadzību pēc pagaidu dzīvesvietas, patversmes vai sociālās dzīvojamās telpas",
        "Assess the need for temporary housing, a shelter or social housing",
    ),
    (
        -90,
        "employment",
        P,
        OFFICER,
        "Karjeras konsultācija ar NVA karjeras konsultantu (CV, darba meklēšana)",
        "Career consultation with an NVA career consultant (CV, job search)",
    ),
    (
        -90,
        "health",
        P,
        OFFICER,
        "Izvērtēt ārstēšanās un atkarību palīdzības vajadzības pēc atbrīvošanas",
        "Assess the needs for treatment and addiction help after release",
    ),
    (
        -90,
        "probation_handover",
        V,
        PROBATION,
        "Iepazīties ar personu un lietu; kopīga tikšanās ar cietuma resocializācijas inspektoru",
        "Get to know the person and the case; joint meeting with the prison's resocialization officer",
    ),
    (
        -90,
        "ngo_mentor",
        N,
        NGO,
        "Piedāvāt NVO atbalstu un līdzgaitnieku (mentoru)",
        "Offer NGO support and a peer mentor",
    ),
    (
        -30,
        "accommodation",
        M,
        SOCIAL,
        "Apstiprināt dzīvesvietu vai naktsmītni pirmajām dienām pēc atbrīvošanas",
        "Confirm housing or a place to stay for the first days after release",
    ),
    (
        -30,
        "employment",
        P,
        OFFICER,
        "Sagatavot izziņas par izglītību un darba pieredzi ieslodzījumā",
        "Prepare certificates of education and work experience gained in prison",
    ),
    (
        -30,
        "health",
        P,
        OFFICER,
        "Sagatavot izrakstu no medicīniskās kartes un zāles pirmajām dienām",
        "Prepare the medical record extract and medicine for the first days",
    ),
    (
        -30,
        "family",
        P,
        OFFICER,
        "Vienoties ar ģimeni par atbrīvošanas dienu un sagaidīšanu",
        "Agree the day of release and the pick-up with the family",
    ),
    (
        -30,
        "probation_handover",
        P,
        OFFICER,
        "Nodot probācijai resocializācijas plānu, riska izvērtējumu un atvērtos pasākumus",
        "Hand the resocialization plan, the risk assessment and the open measures over to probation",
    ),
    (
        -7,
        "probation_handover",
        V,
        PROBATION,
        "Vienoties par pirmo tikšanos probācijā pēc atbrīvošanas (datums, vieta)",
        "Agree the first probation appointment after release (date, place)",
    ),
    (
        -7,
        "ngo_mentor",
        N,
        NGO,
        "Vienoties ar līdzgaitnieku par sagaidīšanu un pirmo nedēļu",
        "Agree the pick-up and the first week with the peer mentor",
    ),
    (
        1,
        "probation_handover",
        V,
        PROBATION,
        "Pirmā tikšanās probācijas dienestā",
        "First probation appointment",
    ),
    (
        1,
        "accommodation",
        M,
        SOCIAL,
        "Deklarēt dzīvesvietu un pieteikties sociālajai palīdzībai",
        "Declare the place of residence and apply for social assistance",
    ),
    (
        7,
        "employment",
        V,
        PROBATION,
        "Atbalstīt reģistrēšanos NVA kā bezdarbniekam vai darba meklētājam",
        "Support registration at NVA as unemployed or a job seeker",
    ),
    (
        7,
        "health",
        V,
        PROBATION,
        "Atbalstīt reģistrēšanos pie ģimenes ārsta (valsts apmaksātā veselības aprūpe)",
        "Support registration with a family doctor (state-funded health care)",
    ),
]


def seed(apps, schema_editor):
    ReleaseTemplate = apps.get_model("release", "ReleaseTemplate")
    TemplateStep = apps.get_model("release", "TemplateStep")
    template, created = ReleaseTemplate.objects.get_or_create(
        code=CODE, defaults={"name": NAME, "name_en": NAME_EN, "is_active": True, "is_default": True}
    )
    if not created:
        return  # an administrator may have changed it: leave their version alone
    TemplateStep.objects.bulk_create(
        TemplateStep(
            template=template,
            offset_days=offset,
            area=area,
            slot=slot,
            role=role,
            title=title,
            title_en=title_en,
            order=order,
        )
        for order, (offset, area, slot, role, title, title_en) in enumerate(STEPS)
    )


def unseed(apps, schema_editor):
    apps.get_model("release", "ReleaseTemplate").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("release", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
