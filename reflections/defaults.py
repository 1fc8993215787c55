"""The reflection questions the product ships, by theme and phase, in our own words.

They are copied into an organisation the first time its question bank is needed (and again for
any default added later); its coordinators may then reword (a new version), add and retire
questions. ``key`` never changes once shipped: it is how an organisation's copy is matched to
the default. ``phase`` is None for a question that fits every phase.

The list runs theme by theme in the order of ``Theme``; within a theme, roughly from the first
phase to the last, with the questions for every phase where they read most naturally.
"""

from __future__ import annotations

from typing import TypedDict


class DefaultQuestion(TypedDict):
    key: str
    theme: str
    phase: int | None
    nb: str
    nn: str
    en: str


DEFAULT_QUESTIONS: list[DefaultQuestion] = [
    # --- the annual wheel and the logic model in quality work ---------------------------------
    {
        "key": "wheel_and_model.in_use",
        "theme": "wheel_and_model",
        "phase": None,
        "nb": "Bruker vi faktisk årshjulet og den logiske kjeden i kvalitetsarbeidet, "
        "eller henger de bare på veggen?",
        "nn": "Brukar vi faktisk årshjulet og den logiske kjeda i kvalitetsarbeidet, "
        "eller heng dei berre på veggen?",
        "en": "Do we actually use the annual wheel and the logic model in our quality work, "
        "or do they just hang on the wall?",
    },
    {
        "key": "wheel_and_model.checkpoints",
        "theme": "wheel_and_model",
        "phase": 2,
        "nb": "Hvilke sjekkpunkter og møteplasser trenger dette tiltaket i årshjulet vårt?",
        "nn": "Kva sjekkpunkt og møteplassar treng dette tiltaket i årshjulet vårt?",
        "en": "Which checkpoints and meeting places does this measure need in our annual wheel?",
    },
    {
        "key": "wheel_and_model.logic_chain",
        "theme": "wheel_and_model",
        "phase": 2,
        "nb": "Viser den logiske kjeden vår en troverdig vei fra aktivitetene til endringen "
        "vi ønsker for barn og unge?",
        "nn": "Viser den logiske kjeda vår ein truverdig veg frå aktivitetane til endringa "
        "vi ønskjer for barn og unge?",
        "en": "Does our logic model show a believable path from the activities to the change "
        "we want for children and young people?",
    },
    {
        "key": "wheel_and_model.assumptions",
        "theme": "wheel_and_model",
        "phase": 3,
        "nb": "Hvilke antakelser i den logiske kjeden har holdt stikk så langt, og hvilke "
        "bør vi se på igjen?",
        "nn": "Kva for føresetnader i den logiske kjeda har halde stikk så langt, og kva for "
        "nokre bør vi sjå på att?",
        "en": "Which assumptions in the logic model have held up so far, and which should we "
        "look at again?",
    },
    {
        "key": "wheel_and_model.planning_cycle",
        "theme": "wheel_and_model",
        "phase": 4,
        "nb": "Hvor i vår egen plan- og budsjettsyklus hører tiltaket hjemme, slik at det blir "
        "husket hvert år?",
        "nn": "Kvar i vår eigen plan- og budsjettsyklus høyrer tiltaket heime, slik at det blir "
        "hugsa kvart år?",
        "en": "Where in our own planning and budget cycle does the measure belong, so that it "
        "is remembered every year?",
    },
    # --- goals and how attainment is judged ----------------------------------------------------
    {
        "key": "goals.shared_picture",
        "theme": "goals",
        "phase": 1,
        "nb": "Hvordan ser en god hverdag ut for barna og ungdommene om noen år, og ser vi "
        "for oss det samme?",
        "nn": "Korleis ser ein god kvardag ut for barna og ungdommane om nokre år, og ser vi "
        "det same føre oss?",
        "en": "What does a good everyday life look like for the children and young people in "
        "a few years, and do we all picture the same thing?",
    },
    {
        "key": "goals.judge",
        "theme": "goals",
        "phase": 2,
        "nb": "Hvordan skal vi vite om vi har nådd målene våre?",
        "nn": "Korleis skal vi vite om vi har nådd måla våre?",
        "en": "How will we know whether we have reached our goals?",
    },
    {
        "key": "goals.indicators",
        "theme": "goals",
        "phase": 2,
        "nb": "Ligger indikatorene våre nær nok det vi vil oppnå, og kan vi hente inn tallene "
        "uten for mye ekstra arbeid?",
        "nn": "Ligg indikatorane våre nær nok det vi vil oppnå, og kan vi hente inn tala utan "
        "for mykje ekstra arbeid?",
        "en": "Are our indicators close enough to what we want to achieve, and can we collect "
        "the figures without too much extra work?",
    },
    {
        "key": "goals.on_track",
        "theme": "goals",
        "phase": 3,
        "nb": "Hva sier de siste tallene om målene våre, og stemmer det med det vi ser i "
        "hverdagen?",
        "nn": "Kva seier dei siste tala om måla våre, og stemmer det med det vi ser i kvardagen?",
        "en": "What do the latest figures say about our goals, and does that match what we "
        "see in daily work?",
    },
    {
        "key": "goals.next_period",
        "theme": "goals",
        "phase": 4,
        "nb": "Hvilke mål bør tiltaket ha for neste periode, nå som vi vet mer?",
        "nn": "Kva for mål bør tiltaket ha for neste periode, no som vi veit meir?",
        "en": "Which goals should the measure have for the next period, now that we know more?",
    },
    # --- trying out new solutions --------------------------------------------------------------
    {
        "key": "trying_out.scope",
        "theme": "trying_out",
        "phase": 1,
        "nb": "Er dette en avgrenset utprøving eller starten på en varig tjeneste, og hva "
        "betyr det for hva vi trenger?",
        "nn": "Er dette ei avgrensa utprøving eller starten på ei varig teneste, og kva tyder "
        "det for kva vi treng?",
        "en": "Is this a limited trial or the start of a lasting service, and what does that "
        "mean for what we need?",
    },
    {
        "key": "trying_out.small_test",
        "theme": "trying_out",
        "phase": 2,
        "nb": "Hvordan kan vi prøve ut den nye løsningen i liten skala først, og hva vil vi "
        "lære av utprøvingen?",
        "nn": "Korleis kan vi prøve ut den nye løysinga i liten skala først, og kva vil vi "
        "lære av utprøvinga?",
        "en": "How can we try the new solution on a small scale first, and what do we want "
        "to learn from the trial?",
    },
    {
        "key": "trying_out.this_round",
        "theme": "trying_out",
        "phase": 3,
        "nb": "Hva prøvde vi ut i denne runden, og hva skjedde sammenlignet med det vi ventet?",
        "nn": "Kva prøvde vi ut i denne runden, og kva skjedde samanlikna med det vi venta?",
        "en": "What did we try out in this round, and what happened compared with what we "
        "expected?",
    },
    {
        "key": "trying_out.adjust",
        "theme": "trying_out",
        "phase": 3,
        "nb": "Hva bør vi endre før neste utprøving, og hva bør vi beholde som det er?",
        "nn": "Kva bør vi endre før neste utprøving, og kva bør vi halde på slik det er?",
        "en": "What should we change before the next trial, and what should we keep as it is?",
    },
    {
        "key": "trying_out.ready",
        "theme": "trying_out",
        "phase": 3,
        "nb": "Er alle arbeidsprosesser, roller og rutiner både beskrevet og prøvd ut, eller "
        "trengs det en runde til?",
        "nn": "Er alle arbeidsprosessar, roller og rutinar både skildra og prøvde ut, eller "
        "trengst det ein runde til?",
        "en": "Is every work process, role and routine both described and tried out, or do "
        "we need another round?",
    },
    # --- tools and ways of working -------------------------------------------------------------
    {
        "key": "tools.build_on",
        "theme": "tools",
        "phase": 1,
        "nb": "Hvilke verktøy og arbeidsmåter har vi allerede som dette tiltaket kan bygge på?",
        "nn": "Kva for verktøy og arbeidsmåtar har vi allereie som dette tiltaket kan byggje på?",
        "en": "Which tools and ways of working do we already have that this measure can build on?",
    },
    {
        "key": "tools.helping",
        "theme": "tools",
        "phase": None,
        "nb": "Hvilke av verktøyene våre hjelper oss i arbeidet, og hvilke er mest ekstra "
        "papirarbeid?",
        "nn": "Kva for nokre av verktøya våre hjelper oss i arbeidet, og kva for nokre er "
        "mest ekstra papirarbeid?",
        "en": "Which of our tools help us in the work, and which are mostly extra paperwork?",
    },
    {
        "key": "tools.training",
        "theme": "tools",
        "phase": 3,
        "nb": "Har alle som bruker den nye arbeidsmåten, fått den opplæringen og veiledningen "
        "de trenger?",
        "nn": "Har alle som brukar den nye arbeidsmåten, fått den opplæringa og rettleiinga "
        "dei treng?",
        "en": "Has everyone who uses the new way of working had the training and supervision "
        "they need?",
    },
    {
        "key": "tools.new_staff",
        "theme": "tools",
        "phase": 4,
        "nb": "Hvordan skal nyansatte lære verktøyene og rutinene når de som kan dem i dag, "
        "går videre?",
        "nn": "Korleis skal nytilsette lære verktøya og rutinane når dei som kan dei i dag, "
        "går vidare?",
        "en": "How will new staff learn the tools and routines when those who know them "
        "today move on?",
    },
    # --- learning from experience --------------------------------------------------------------
    {
        "key": "learning.surprised",
        "theme": "learning",
        "phase": None,
        "nb": "Hva har overrasket oss siden sist, og hva lærer vi av det?",
        "nn": "Kva har overraska oss sidan sist, og kva lærer vi av det?",
        "en": "What has surprised us since last time, and what do we learn from it?",
    },
    {
        "key": "learning.successes",
        "theme": "learning",
        "phase": None,
        "nb": "Hva har fungert godt, og hva var det som gjorde at det fungerte?",
        "nn": "Kva har fungert godt, og kva var det som gjorde at det fungerte?",
        "en": "What has worked well, and what made it work?",
    },
    {
        "key": "learning.earlier_measures",
        "theme": "learning",
        "phase": 1,
        "nb": "Hva har vi lært av tidligere tiltak som vi bør ta med oss inn i dette?",
        "nn": "Kva har vi lært av tidlegare tiltak som vi bør ta med oss inn i dette?",
        "en": "What have we learned from earlier measures that we should bring into this one?",
    },
    {
        "key": "learning.setbacks",
        "theme": "learning",
        "phase": 3,
        "nb": "Hva gikk ikke som planlagt, og hva kan vi lære av det uten å lete etter noen "
        "å gi skylden?",
        "nn": "Kva gjekk ikkje som planlagt, og kva kan vi lære av det utan å leite etter "
        "nokon å leggje skulda på?",
        "en": "What did not go as planned, and what can we learn from it without looking "
        "for someone to blame?",
    },
    {
        "key": "learning.write_down",
        "theme": "learning",
        "phase": 4,
        "nb": "Hvilke av erfaringene våre bør skrives ned, slik at andre i og utenfor "
        "organisasjonen kan bruke dem?",
        "nn": "Kva for erfaringar bør skrivast ned, slik at andre i og utanfor "
        "organisasjonen kan bruke dei?",
        "en": "Which of our experiences should be written down, so that others inside and "
        "outside the organisation can use them?",
    },
    # --- what makes a meeting a learning one ---------------------------------------------------
    {
        "key": "learning_meetings.prepared",
        "theme": "learning_meetings",
        "phase": None,
        "nb": "Kjente alle til spørsmålene før møtet, og hadde vi tid til å tenke over dem?",
        "nn": "Kjende alle til spørsmåla før møtet, og hadde vi tid til å tenkje over dei?",
        "en": "Did everyone know the questions before the meeting, and did we have time to "
        "think them over?",
    },
    {
        "key": "learning_meetings.heard",
        "theme": "learning_meetings",
        "phase": None,
        "nb": "Hvem har vi hørt i dag, og hvem har vi ikke hørt fra?",
        "nn": "Kven har vi høyrt i dag, og kven har vi ikkje høyrt frå?",
        "en": "Whose voices have we heard today, and whose are missing?",
    },
    {
        "key": "learning_meetings.decided",
        "theme": "learning_meetings",
        "phase": None,
        "nb": "Hva har vi bestemt i dag, hvem følger det opp, og innen når?",
        "nn": "Kva har vi bestemt i dag, kven følgjer det opp, og innan når?",
        "en": "What have we decided today, who follows it up, and by when?",
    },
    {
        "key": "learning_meetings.rhythm",
        "theme": "learning_meetings",
        "phase": 2,
        "nb": "Hvor ofte og med hvem bør vi møtes for å reflektere over arbeidet, og hvor i "
        "årshjulet hører møtene hjemme?",
        "nn": "Kor ofte og med kven bør vi møtast for å reflektere over arbeidet, og kvar i "
        "årshjulet høyrer møta heime?",
        "en": "How often, and with whom, should we meet to reflect on the work, and where in "
        "the annual wheel do these meetings go?",
    },
    # --- following plans up over time ----------------------------------------------------------
    {
        "key": "follow_up.last_actions",
        "theme": "follow_up",
        "phase": None,
        "nb": "Hvilke oppfølgingspunkter fra forrige møte er gjennomført, og hva har hindret "
        "dem som ikke er det?",
        "nn": "Kva for oppfølgingspunkt frå førre møte er gjennomførte, og kva har hindra dei "
        "som ikkje er det?",
        "en": "Which action items from the last meeting are done, and what has held back "
        "those that are not?",
    },
    {
        "key": "follow_up.responsible",
        "theme": "follow_up",
        "phase": 2,
        "nb": "Hvem har ansvaret for å følge opp planen, og når sjekker vi hvordan det går?",
        "nn": "Kven har ansvaret for å følgje opp planen, og når sjekkar vi korleis det går?",
        "en": "Who is responsible for following the plan up, and when do we check how it is going?",
    },
    {
        "key": "follow_up.plan_or_practice",
        "theme": "follow_up",
        "phase": 3,
        "nb": "Følger vi implementeringsplanen, og hvis ikke, bør vi endre planen eller måten "
        "vi jobber på?",
        "nn": "Følgjer vi implementeringsplanen, og viss ikkje, bør vi endre planen eller "
        "måten vi arbeider på?",
        "en": "Are we following the implementation plan, and if not, should we change the "
        "plan or the way we work?",
    },
    {
        "key": "follow_up.anchored",
        "theme": "follow_up",
        "phase": 4,
        "nb": "Er tiltaket skrevet inn i planene og budsjettet som styrer oss, slik at det "
        "overlever utskifting av ansatte og ledere?",
        "nn": "Er tiltaket skrive inn i planane og budsjettet som styrer oss, slik at det "
        "overlever utskifting av tilsette og leiarar?",
        "en": "Is the measure written into the plans and the budget that govern us, so that "
        "it outlives changes of staff and leaders?",
    },
    # --- involving parties outside the organisation --------------------------------------------
    {
        "key": "outside_parties.from_the_start",
        "theme": "outside_parties",
        "phase": 1,
        "nb": "Hvilke tjenester, samarbeidspartnere og brukerrepresentanter utenfor vår egen "
        "organisasjon bør være med fra starten?",
        "nn": "Kva for tenester, samarbeidspartnarar og brukarrepresentantar utanfor vår "
        "eigen organisasjon bør vere med frå starten?",
        "en": "Which services, partners and user representatives outside our own "
        "organisation should be involved from the start?",
    },
    {
        "key": "outside_parties.users_say",
        "theme": "outside_parties",
        "phase": 2,
        "nb": "Hvordan får barn, unge og familiene deres si hva de mener om planen?",
        "nn": "Korleis får barn, unge og familiane deira seie kva dei meiner om planen?",
        "en": "How do children, young people and their families get to say what they think "
        "of the plan?",
    },
    {
        "key": "outside_parties.collaboration",
        "theme": "outside_parties",
        "phase": 3,
        "nb": "Hvordan går samarbeidet med partnerne våre, og hva kunne gjort det enklere?",
        "nn": "Korleis går samarbeidet med partnarane våre, og kva kunne gjort det enklare?",
        "en": "How is the collaboration with our partners going, and what would make it easier?",
    },
    {
        "key": "outside_parties.before_deciding",
        "theme": "outside_parties",
        "phase": 4,
        "nb": "Hvem utenfor teamet bør vi få innspill fra før vi avgjør om tiltaket skal "
        "videreføres?",
        "nn": "Kven utanfor teamet bør vi få innspel frå før vi avgjer om tiltaket skal "
        "vidareførast?",
        "en": "Whose views from outside the team should we hear before we decide whether the "
        "measure continues?",
    },
    # --- keeping good conditions for children and young people ---------------------------------
    {
        "key": "good_conditions.needs",
        "theme": "good_conditions",
        "phase": 1,
        "nb": "Hvilke behov hos barn og unge her hos oss svarer tiltaket på, og hva bygger vi "
        "den kunnskapen på?",
        "nn": "Kva for behov hos barn og unge her hos oss svarar tiltaket på, og kva byggjer "
        "vi den kunnskapen på?",
        "en": "Which needs of the children and young people here does the measure answer, "
        "and what is that knowledge built on?",
    },
    {
        "key": "good_conditions.daily_life",
        "theme": "good_conditions",
        "phase": None,
        "nb": "Hvilken forskjell gjør arbeidet i hverdagen til barn og unge?",
        "nn": "Kva for skilnad gjer arbeidet i kvardagen til barn og unge?",
        "en": "What difference does the work make in the daily lives of children and young people?",
    },
    {
        "key": "good_conditions.left_out",
        "theme": "good_conditions",
        "phase": 3,
        "nb": "Kan tiltaket gjøre det vanskeligere for noen grupper av barn eller unge, og "
        "hvordan ville vi merke det?",
        "nn": "Kan tiltaket gjere det vanskelegare for nokre grupper av barn eller unge, og "
        "korleis ville vi merke det?",
        "en": "Could the measure make things harder for some groups of children or young "
        "people, and how would we notice?",
    },
    {
        "key": "good_conditions.last",
        "theme": "good_conditions",
        "phase": 4,
        "nb": "Hva må være på plass for at de gode forholdene skal vare når prosjektmidlene "
        "og oppmerksomheten er borte?",
        "nn": "Kva må vere på plass for at dei gode tilhøva skal vare når prosjektmidlane "
        "og merksemda er borte?",
        "en": "What must be in place for the good conditions to last once the project money "
        "and the attention are gone?",
    },
    # --- knowing whether a measure works -------------------------------------------------------
    {
        "key": "does_it_work.knowledge",
        "theme": "does_it_work",
        "phase": 1,
        "nb": "Hva sier forskning og andres erfaringer om hvorvidt et slikt tiltak virker?",
        "nn": "Kva seier forsking og erfaringane til andre om kor vidt eit slikt tiltak verkar?",
        "en": "What do research and the experience of others say about whether a measure "
        "like this works?",
    },
    {
        "key": "does_it_work.signs",
        "theme": "does_it_work",
        "phase": 3,
        "nb": "Hvilke tegn viser oss at tiltaket virker, og hvilke viser at det ikke gjør det?",
        "nn": "Kva for teikn viser oss at tiltaket verkar, og kva for nokre viser at det "
        "ikkje gjer det?",
        "en": "Which signs tell us that the measure works, and which tell us that it does not?",
    },
    {
        "key": "does_it_work.worth_it",
        "theme": "does_it_work",
        "phase": 4,
        "nb": "Er tiltaket verdt det det koster, for barn og unge og for oss?",
        "nn": "Er tiltaket verdt det det kostar, for barn og unge og for oss?",
        "en": "Is the measure worth what it costs, for children and young people and for us?",
    },
    {
        "key": "does_it_work.evaluate_again",
        "theme": "does_it_work",
        "phase": 4,
        "nb": "Når og hvordan skal vi evaluere tiltaket på nytt når det har blitt en del av "
        "den vanlige driften?",
        "nn": "Når og korleis skal vi evaluere tiltaket på nytt når det har vorte ein del av "
        "den vanlege drifta?",
        "en": "When and how will we evaluate the measure again once it has become part of "
        "ordinary practice?",
    },
]
