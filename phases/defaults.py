"""The success factors the product ships, per phase, in our own words (nb, nn, en).

They are written from the themes the method stresses in each phase, and copied into an
organisation when its factors are first needed (and again for any default added later); its
admins may then reword (a new version), add and retire factors. ``key`` never changes once
shipped: it is how an organisation's copy is matched to the default. ``required`` factors
must be met before the gate out of their phase opens.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class DefaultFactor(TypedDict):
    key: str
    phase: int
    nb: str
    nn: str
    en: str
    required: NotRequired[bool]  # True when left out


DEFAULT_FACTORS: list[DefaultFactor] = [
    # --- I Prepare -------------------------------------------------------------------------
    {
        "key": "1.key_people",
        "phase": 1,
        "nb": "Nøkkelpersonene er navngitt, og det er klart hvem som leder arbeidet.",
        "nn": "Nøkkelpersonane er namngitte, og det er klart kven som leier arbeidet.",
        "en": "The key people are named, and it is clear who leads the work.",
    },
    {
        "key": "1.trial_or_lasting",
        "phase": 1,
        "nb": "Det er avklart om tiltaket er en avgrenset utprøving eller skal bli et varig tilbud.",
        "nn": "Det er avklart om tiltaket er ei avgrensa utprøving eller skal bli eit varig tilbod.",
        "en": "It is settled whether the measure is a limited trial or is meant to become a lasting service.",
    },
    {
        "key": "1.local_fit",
        "phase": 1,
        "nb": "Tiltaket svarer på behov vi har funnet lokalt, og passer med det andre arbeidet i kommunen.",
        "nn": "Tiltaket svarar på behov vi har funne lokalt, og passar med det andre arbeidet i kommunen.",
        "en": "The measure answers needs we have found locally and fits with the rest of the municipality's work.",
    },
    {
        "key": "1.competence_resources",
        "phase": 1,
        "nb": "Vi har beskrevet hvilken kompetanse, hvilke strukturer og hvilke ressurser tiltaket trenger.",
        "nn": "Vi har skildra kva kompetanse, kva strukturar og kva ressursar tiltaket treng.",
        "en": "We have described the competence, structures and resources the measure needs.",
    },
    {
        "key": "1.knowledge_base",
        "phase": 1,
        "nb": "Kunnskapsgrunnlaget er samlet: behov, forskning og lokale tall.",
        "nn": "Kunnskapsgrunnlaget er samla: behov, forsking og lokale tal.",
        "en": "The knowledge base is gathered: needs, research and local figures.",
        "required": False,
    },
    # --- II Plan ---------------------------------------------------------------------------
    {
        "key": "2.shared_direction",
        "phase": 2,
        "nb": "Alle som er med, har et felles bilde av hvor vi skal.",
        "nn": "Alle som er med, har eit felles bilete av kvar vi skal.",
        "en": "Everyone involved shares a picture of where we are going.",
    },
    {
        "key": "2.existing_structures",
        "phase": 2,
        "nb": "Strategiene er tilpasset strukturene vi allerede har, som faste møter, planer og rutiner.",
        "nn": "Strategiane er tilpassa strukturane vi alt har, som faste møte, planar og rutinar.",
        "en": "The strategies are fitted to the structures we already have, such as regular meetings, plans and routines.",
    },
    {
        "key": "2.anchored",
        "phase": 2,
        "nb": "Planen er forankret hos ansatte, tjenesteledere og samarbeidspartnere.",
        "nn": "Planen er forankra hos tilsette, tenesteleiarar og samarbeidspartnarar.",
        "en": "Staff, service leaders and partners stand behind the plan.",
    },
    {
        "key": "2.goals",
        "phase": 2,
        "nb": "Målene er satt, og det er bestemt hvordan vi skal vurdere om vi når dem.",
        "nn": "Måla er sette, og det er bestemt korleis vi skal vurdere om vi når dei.",
        "en": "The goals are set, and we have decided how to judge whether we reach them.",
    },
    {
        "key": "2.roles_budget_timeline",
        "phase": 2,
        "nb": "Roller og ansvar, budsjett og tidsplan er avklart i implementeringsplanen.",
        "nn": "Roller og ansvar, budsjett og tidsplan er avklarte i implementeringsplanen.",
        "en": "Roles and responsibilities, budget and timeline are settled in the implementation plan.",
    },
    {
        "key": "2.training_information_evaluation",
        "phase": 2,
        "nb": "Det er lagt planer for opplæring, informasjon og evaluering.",
        "nn": "Det er lagt planar for opplæring, informasjon og evaluering.",
        "en": "There are plans for training, information and evaluation.",
    },
    # --- III Implement ---------------------------------------------------------------------
    {
        "key": "3.political_anchoring",
        "phase": 3,
        "nb": "Tiltaket er forankret politisk, og de folkevalgte kjenner til det.",
        "nn": "Tiltaket er forankra politisk, og dei folkevalde kjenner til det.",
        "en": "The measure is anchored politically, and the elected representatives know about it.",
    },
    {
        "key": "3.active_leaders",
        "phase": 3,
        "nb": "Lederne støtter arbeidet aktivt med tid, prioritering og oppfølging.",
        "nn": "Leiarane støttar arbeidet aktivt med tid, prioritering og oppfølging.",
        "en": "Leaders actively support the work with time, priority and follow-up.",
    },
    {
        "key": "3.training_supervision",
        "phase": 3,
        "nb": "Alle som er involvert, får opplæring og veiledning.",
        "nn": "Alle som er involverte, får opplæring og rettleiing.",
        "en": "Everyone involved gets training and supervision.",
    },
    {
        "key": "3.implementation_team",
        "phase": 3,
        "nb": "Et implementeringsteam har ansvaret for å drive arbeidet framover.",
        "nn": "Eit implementeringsteam har ansvaret for å drive arbeidet framover.",
        "en": "An implementation team is responsible for driving the work forward.",
    },
    {
        "key": "3.progress_indicators",
        "phase": 3,
        "nb": "Vi følger framdriften mot planen med indikatorer.",
        "nn": "Vi følgjer framdrifta mot planen med indikatorar.",
        "en": "We follow progress against the plan with indicators.",
    },
    {
        "key": "3.adjusted_on_the_way",
        "phase": 3,
        "nb": "Problemer blir løst underveis, og planen eller tiltaket blir justert når erfaringene tilsier det.",
        "nn": "Problem blir løyste undervegs, og planen eller tiltaket blir justert når erfaringane tilseier det.",
        "en": "Problems are solved on the way, and the plan or the measure is adjusted when experience calls for it.",
    },
    # --- IV Continue -----------------------------------------------------------------------
    {
        "key": "4.ordinary_practice",
        "phase": 4,
        "nb": "De nye rutinene er vanlig praksis og krever ingen ekstra innsats.",
        "nn": "Dei nye rutinane er vanleg praksis og krev ingen ekstra innsats.",
        "en": "The new routines are ordinary practice and need no extra effort.",
    },
    {
        "key": "4.follow_up_built_in",
        "phase": 4,
        "nb": "Oppfølging og kvalitetssikring er en fast del av tiltaket.",
        "nn": "Oppfølging og kvalitetssikring er ein fast del av tiltaket.",
        "en": "Follow-up and quality assurance are a regular part of the measure.",
    },
    {
        "key": "4.no_longer_a_project",
        "phase": 4,
        "nb": "Tiltaket kalles ikke lenger et prosjekt, og det finnes planer for å holde det ved like.",
        "nn": "Tiltaket blir ikkje lenger kalla eit prosjekt, og det finst planar for å halde det ved like.",
        "en": "The measure is no longer called a project, and there are plans for keeping it up.",
    },
    {
        "key": "4.governing_documents",
        "phase": 4,
        "nb": "Tiltaket er skrevet inn i styringsdokumentene, som kommuneplanen, økonomiplanen og tilstandsrapporten.",
        "nn": "Tiltaket er skrive inn i styringsdokumenta, som kommuneplanen, økonomiplanen og tilstandsrapporten.",
        "en": "The measure is written into the governing documents, such as the municipal plan, the economy plan and the status report.",
    },
    {
        "key": "4.next_period",
        "phase": 4,
        "nb": "Nye mål, finansiering og planer for neste periode er på plass.",
        "nn": "Nye mål, finansiering og planar for neste periode er på plass.",
        "en": "New goals, financing and plans for the next period are in place.",
    },
    {
        "key": "4.team_and_evaluation",
        "phase": 4,
        "nb": "Sammensetningen av teamet er gjennomgått, og tiltaket blir evaluert på nytt med jevne mellomrom.",
        "nn": "Samansetjinga av teamet er gjennomgått, og tiltaket blir evaluert på nytt med jamne mellomrom.",
        "en": "The team's make-up has been reviewed, and the measure is evaluated again at regular intervals.",
        "required": False,
    },
]
