"""The safety screen: does this person need a doctor first, and which techniques are unsafe?

Red flags come before everything else. The rules are a table (``RED_FLAGS``, ``PRECAUTIONS``)
that a clinician can read: each rule says when it fires, how urgent it is, what to tell the
therapist, and its sources (keys of ``sources.SOURCES``). A rule fires on a screening answer
("yes"), on where it hurts, on age, and on alarm words in the free text (history,
aggravating and relieving factors, findings); a referral raised by words quotes them. A
negated mention ("no weight loss", "denies chest pain") does not count.

Context answers (hypertension, diabetes, smoking, fibromyalgia...) never block treatment on
their own; they only change how other answers are read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

from knotwork import vocab
from knotwork.assess.presentation import Presentation

URGENCY_ORDER = {"none": 0, "routine": 1, "urgent": 2, "emergency": 3}

# Where it hurts, by region code (body-regions.csv).
SPINE = frozenset(
    {
        "neck-back-upper", "neck-back-lower", "upper-thoracic-spine", "mid-back", "scapula-medial-border",
        "low-back", "lumbar-spine", "sacrum", "sacroiliac", "coccyx",
    }
)  # fmt: skip
HEAD = frozenset(r.code for r in vocab.regions().values() if r.group == "head")
HEADACHE = frozenset({"vertex", "forehead", "eyebrow", "eye", "temple", "occiput", "ear", "mastoid"})
NECK = frozenset(r.code for r in vocab.regions().values() if r.group == "neck")
BACK_OR_LEG = frozenset(
    r.code
    for r in vocab.regions().values()
    if r.group in {"low-back", "pelvis", "hip", "thigh", "knee", "leg", "ankle", "foot"}
)
CARDIAC_AREA = frozenset(
    {
        "sternum", "chest-upper", "chest-front", "chest-side", "jaw", "lower-teeth", "throat", "neck-front",
        "shoulder-front", "shoulder-top", "shoulder-side", "armpit", "upper-arm-inner", "upper-arm-front",
        "elbow-inner", "forearm-little-finger-side", "abdomen-upper", "upper-thoracic-spine", "scapula-medial-border",
    }
)  # fmt: skip
CALF = frozenset({"calf", "knee-back", "leg-inner", "leg-outer", "achilles"})
THORACIC = frozenset({"upper-thoracic-spine", "mid-back", "scapula-medial-border"})
HIP_FRONT = frozenset({"groin", "hip-front", "thigh-front"})
GIRDLE = frozenset(
    {
        "shoulder-top",
        "shoulder-side",
        "shoulder-front",
        "shoulder-back",
        "upper-arm-outer",
        "hip-side",
        "buttock-upper",
        "buttock-lower",
        "thigh-outer",
        "hip-front",
    }
)
LIMB_BONES = frozenset(
    r.code for r in vocab.regions().values() if r.group in {"arm", "elbow", "forearm", "hip", "thigh", "knee", "leg"}
) | frozenset({"shoulder-side", "shoulder-front", "shoulder-back", "sacrum", "iliac-crest", "groin"})
LEG_MUSCLES = frozenset(r.code for r in vocab.regions().values() if r.group in {"thigh", "knee", "leg"}) | frozenset(
    {"buttock-upper", "buttock-lower", "hip-side"}
)
LOIN = frozenset({"flank", "mid-back", "low-back", "lumbar-spine", "upper-thoracic-spine", "scapula-inferior-angle"})
LOW_BACK_OR_BUTTOCK = frozenset({"low-back", "lumbar-spine", "sacrum", "sacroiliac", "buttock-upper", "buttock-lower"})
BUTTOCK = frozenset({"sacroiliac", "buttock-upper", "buttock-lower"})
VISCERAL = frozenset({"abdomen-upper", "abdomen-lower", "groin", "flank", "perineum"})
CHEST = frozenset({"sternum", "chest-upper", "chest-front", "chest-side"})
# Where angina is felt besides the chest (NICE CG95: the neck, shoulders, jaw or arms).
ANGINA_AREA = (CARDIAC_AREA | NECK) - CHEST
UPPER_ABDOMEN = frozenset({"abdomen-upper", "flank"})
LIMBS = frozenset(
    r.code
    for r in vocab.regions().values()
    if r.group in {"shoulder", "arm", "elbow", "forearm", "hand", "hip", "thigh", "knee", "leg", "ankle", "foot"}
)
ABDOMEN = frozenset({"abdomen-upper", "abdomen-lower"})
LEG_OR_HIP = (BACK_OR_LEG | HIP_FRONT) - SPINE - frozenset({"flank"})
BACK = SPINE - NECK  # the thoracic and lumbar spine, sacrum and pelvis at the back
# Period-related pain away from the abdomen (abdominal and pelvic pain already get a note to
# consider gynaecological causes): endometriosis on the sciatic nerve or the pelvic wall.
PERIOD_PAIN_AREA = LOW_BACK_OR_BUTTOCK | LEG_MUSCLES | frozenset({"hip-front"})
# Where claudication is felt: the calf and lower leg, the back of the thigh, the buttock (not the
# side of the hip, where pain on walking is usually the tendons there).
CLAUDICATION_AREA = frozenset(r.code for r in vocab.regions().values() if r.group == "leg") | frozenset(
    {"thigh-back", "buttock-upper", "buttock-lower"}
)
JAW_OR_TEETH = frozenset({"jaw", "lower-teeth", "upper-teeth", "tmj", "cheek"})

NEGATION = re.compile(
    r"\b(no|not|never|cannot|denies|denied|without|negative for|ruled? out|free of|nor)\b|\b\w+n['’]t\b", re.IGNORECASE
)
# "It doesn't go away at night", "never settles": a negated verb of easing says the pain persists,
# and the alarm after it counts (NegEx's pseudo-negations).
PERSISTS = re.compile(
    r"\s+(really\s+|ever\s+|seem\s+to\s+|always\s+)?(go(es)?\s+away|ease|settle|stop|let\s+up|improve|get\s+better|"
    r"change|help|subside|disappear|budge|shift|wear\s+off)",
    re.IGNORECASE,
)
# A negation reaches forward over a list ("no cough, breathlessness or chest pain") but not past
# a conjunction that starts a new statement ("no relief from painkillers and night sweats"),
# and not further than a few words: when in doubt the alarm counts, a false alarm being the
# safer mistake (the NegEx idea: Chapman et al., J Biomed Inform 2001).
SCOPE_BREAK = re.compile(
    r"\b(and|but|however|although|though|yet|except|apart from|while|whereas)\b|[:(]", re.IGNORECASE
)
NEGATION_REACH = 6  # words


def negated(before: str) -> bool:
    """Is the text just before an alarm word a negation that still reaches it?"""
    negations = list(NEGATION.finditer(before))
    if not negations:
        return False
    between = before[negations[-1].end() :]
    if PERSISTS.match(between):
        return False
    return not SCOPE_BREAK.search(between) and len(between.split()) <= NEGATION_REACH


class Alarm:
    """Alarm words: a regular expression, compiled only when one of its keywords is in the text.

    The keywords are plain lowercase fragments that every match must contain; they keep the
    screen fast and ``knotwork assess`` quick to start (compiling every expression up front
    cost about ten milliseconds).
    """

    __slots__ = ("_compiled", "_lower", "_unless", "keywords", "pattern", "unless")

    def __init__(self, keywords: tuple[str, ...], pattern: str, unless: str = "") -> None:
        self.keywords = keywords
        self.pattern = pattern
        # Words that, in the same sentence, make a match mean something else (night pain that
        # comes from lying on the painful side is mechanical, not a red flag).
        self.unless = unless
        self._compiled: re.Pattern[str] | None = None
        self._lower: re.Pattern[str] | None = None
        self._unless: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            # Alarm words start at a word boundary: anchoring there lets the engine skip the other
            # positions quickly (about a third faster; "nonsmoker" no longer reads as "smoker").
            self._compiled = re.compile(rf"\b(?:{self.pattern})", re.IGNORECASE)
        return self._compiled

    def lower(self) -> re.Pattern[str]:
        """The same expression for lowercased text, without IGNORECASE (about twice as fast).

        Only its literal capitals are lowered (``\\W`` stays ``\\W``). On text that ``Facts``
        lowercases (``_FOLDS_SAFELY``) it matches exactly where ``compiled()`` matches.
        """
        if self._lower is None:
            literal = re.sub(r"(?<!\\)[A-Z]", lambda m: m.group(0).lower(), self.pattern)
            self._lower = re.compile(rf"\b(?:{literal})")
        return self._lower

    def voided(self, sentence: str) -> bool:
        if not self.unless:
            return False
        if self._unless is None:
            self._unless = re.compile(rf"\b(?:{self.unless})", re.IGNORECASE)
        return self._unless.search(sentence) is not None


# Night pain that comes from lying on the painful side (or rolling onto it) is mechanical: the
# red flag is pain at night that no position eases (IFOMPT spinal framework, Finucane 2020).
POSITIONAL = (
    r"(lying|lie|lay|laying|sleeping|sleep|roll\w*|turn\w*)( over)? (on|onto) (it|them|(the|that|this|my|his|her|their)"
    r"( \w+)? (side|shoulder|hip|arm|elbow))\b|(roll\w*|turn\w*) over\b"
)


# Alarm words in the free text. Each is a regular expression over the history, the
# aggravating and relieving factors and the findings.
SAID: dict[str, Alarm] = {
    "saddle": Alarm(('saddle', 'numb'), r"saddle (numbness|anaesthesia|anesthesia|area (is )?numb)|numb(ness)? (around|in) the (genitals|groin|saddle|back passage)"),
    "bladder-bowel": Alarm(('bladder', 'bowel', 'incontinen', 'urine', 'water', 'wet '), r"(urinary|bladder|bowel) (retention|incontinence|dysfunction|control)|incontinen\w*|(can(no|')t|unable to) pass (urine|water)|wet (myself|himself|herself)"),
    "exertion": Alarm(('exert', 'walking', 'climbing', 'exercis', 'stairs', 'uphill'), r"on exertion|when (walking|climbing|exercising)|(climbing|walking up) (the )?stairs|uphill|exertional"),
    "sweating": Alarm(('sweat', 'clammy', 'breath', 'palpitation'), r"(?<!night )(?<!drenching )sweat(s|ing|y)?\b(?! at night)|clammy|breathless(ness)?|short(ness)? of breath|palpitations?"),
    "nausea": Alarm(('nause', 'sick', 'vomit', 'threw up', 'throwing up'), r"nause\w*|(feel|feels|feeling|felt) sick|vomit\w*|threw up|throwing up"),
    "no-better": Alarm(('better', 'improv', 'persist', 'settl', 'help'), r"no better|not (getting |got )?better|(has ?n[o']t|not|never) (improved|settled)|no improvement|persist(s|ed|ing)|not settling|(has|have|had|did) ?(n[o']t|not) (really )?help(ed)?|(was|were) no help|without (any )?(help|relief|improvement)"),
    "new-pain": Alarm(('new', 'recent', 'started', 'began', 'came on', 'ago'), r"\bnew\b|\brecent(ly)?\b|(started|began|came on)|\b(days?|weeks?) ago\b"),
    "scalp-tender": Alarm(('scalp',), r"scalp (is |was )?(tender|sore)|scalp hurt\w*|tender scalp|sore scalp"),
    "morning-stiffness": Alarm(('stiff', 'morning'), r"morning stiffness|stiff(ness)? (in|every) the mornings?|mornings?\W+(\(?about |\(?an? )?\w* ?hours?( of)? stiff\w*|stiff\w* (for|lasting) (about |over )?(an|one|\d+) hours?|(an?|one|\d+|two|several) hours? of stiff\w*|stiff\w* every morning"),
    "endurance": Alarm(('run', 'marathon', 'endurance', 'triathl', 'athlete', 'jog'), r"\brunn(er|ing)\b|marathon|endurance|triathl\w+|\bathlete\b|jogg\w+|military (training|recruit)"),
    "moving-chest-pain": Alarm(('shoulder to the other', 'crushing', 'tight band', 'moved', 'spread', 'shifted', 'went'), r"(moved|spread|went|radiat\w*) (from|across) (one|the left|the right) shoulder to the other|crushing|tight band (across|around) (the|my|his|her) chest|(moved|spread|shifted|went|switched)( over| across)? to the (other|opposite|left|right) (side|shoulder|arm)"),
    "swollen-arm": Alarm(('swell', 'swollen'), r"(arm|armpit|forearm|hand|elbow|shoulder)( area)? (is |was |has been |keeps |kept |became |got |started )?(swollen|swell\w*)|swollen,? (warm |red |hot |tight |heavy )?(arm|armpit|forearm|hand|upper arm)|swelling (in|of|up in|around|under) (my |the |his |her |their )?(right |left )?(arm|armpit|forearm|hand)"),
    "swollen-calf": Alarm(('swollen', 'swelling', 'calf', 'leg'), r"swollen,? (warm |red |hot )?(calf|leg|ankle)|(calf|leg) (is |was )?(swollen|hot|red and swollen|warm and swollen)"),
    "long-travel": Alarm(('flight', 'plane', 'journey', 'drive', 'bed rest', 'bedrest', 'cast', 'immobilis'), r"(long[- ]haul|(\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[- ]hours?) (plane |car |coach |train )?(flight|plane|journey|drive|ride)|after (a|the) (flight|plane ride|long journey)|bed ?rest|plaster cast|immobilis\w+"),
    "clot-risk": Alarm(('termination', 'abortion', 'miscarriage', 'postpartum', 'post-partum', 'gave birth', 'giving birth', 'surgery', 'operation', 'contraceptive', 'the pill', 'hrt', 'hormone replacement', 'pregnan', 'clot'), r"termination of (a |the )?pregnancy|abortion|miscarriage|post[- ]?partum|(gave|giving) birth|after (an |the |her |his )?(surgery|operation)|(contraceptive|the) pill|\bHRT\b|hormone replacement|\bpregnan\w*|(previous|past|history of)( a)? (blood )?clot"),
    "thunderclap": Alarm(('worst', 'thunderclap', 'sudden', 'headache'), r"worst(-| )(ever )?headache|worst (pain|headache) of (my|his|her|their) life|thunderclap|sudden(ly)?,? (and )?severe headache|headache (came|come) on (suddenly|within (seconds|a minute))"),
    "sudden-onset": Alarm(('sudden', 'abrupt', 'out of the blue', 'out of nowhere'), r"(started|began|came on|come on|starts|begins|onset was|start was)( \w+){0,3} (suddenly|abruptly)|sudden(ly)? (onset|start|began|started)|abrupt(ly)? (onset|start)|(suddenly|abruptly) (started|began|came on)|out of (the blue|nowhere)|sudden,? (and )?(very |really |extremely )?(severe|sharp|intense|excruciating|tearing|violent|bad)\b"),
    "mechanical-onset": Alarm(('lift', 'bend', 'twist', 'reach', 'strain', 'pull', 'sport', 'gym', 'fall', 'fell', 'slip', 'moving'), r"\b(lift\w*|bend\w*|bent|twist\w*|reach\w*|strain\w*|pull\w*|sport\w*|gym|fall|fell|slipp?\w*|moving (furniture|house|boxes))\b"),
    "better-with-movement": Alarm(('moving', 'movement', 'exercis', 'activity', 'walk', 'ibuprofen', 'naproxen', 'anti-inflammator', 'nsaid'), r"\b(moving|movement|exercis\w*|activity|walking|ibuprofen|naproxen|diclofenac|anti-?inflammator\w*|nsaids?)\b"),
    "spondyloarthritis-history": Alarm(('psoria', 'uveitis', 'iritis', 'crohn', 'colitis', 'spondyl', 'enthesitis', 'arthritis', 'bowel disease'), r"psoria\w*|uveitis|\biritis|crohn\w*|ulcerative colitis|inflammatory bowel disease|spondyl\w+|enthesitis|\barthritis\b"),
    "growing-lump": Alarm(('lump', 'mass', 'swelling'), r"(lump|mass|swelling)( \w+){0,5},? (is |has been |keeps |kept )?(growing|getting (bigger|larger)|increasing in size|coming back|came back|returned|recurr\w*)|(large|big|growing|enlarging|hard),? (painful |hard |firm |deep )?(lump|mass|swelling)"),
    "sport": Alarm(('danc', 'ballet', 'football', 'soccer', 'rugby', 'netball', 'hockey', 'tennis', 'gymnast', 'athlet', 'running', 'runner', 'training', 'sport', 'basketball', 'cricket', 'swimm'), r"\b(danc\w*|ballet|football\w*|soccer|rugby|netball|hockey|tennis|gymnast\w*|athlet\w*|running|runner|training|sports?|sporting|basketball|cricket|swimm\w*)\b"),
    "fresh-injury": Alarm(('sprain', 'twist', 'rolled', 'knock', 'kicked', 'tackle', 'went over'), r"\b(sprain\w*|twist(ed|ing)|rolled (my|his|her|their|the) (ankle|foot|knee)|knock(ed)?|kicked|tackled?|went over on)\b"),
    "limp": Alarm(('limp',), r"\blimp(s|ing|ed)?\b"),
    "young": Alarm(('teen', 'adolescent', 'schoolboy', 'schoolgirl', 'year-old', 'year old'), r"\bteen(age|aged|ager)?s?\b|adolescen\w+|school(boy|girl)|\b(1[0-8]|[5-9])[- ]year[- ]old\b"),
    "weeks-long": Alarm(('week', 'month'), r"(for|over|in) (the )?(last |past )?(some|several|a few|few|many|\d+|two|three|four|five|six|eight) (weeks|months)|(weeks|months) (now|of)\b"),
    "exertional-leg-pain": Alarm(('walk', 'run', 'march', 'exercis', 'hike', 'hiking'), r"(ache|aches|aching|pain\w*|hurts?|hurting|cramps?|cramping|tight\w*)( \w+){0,4} (when|while|on|after) (i |he |she |they )?(walk|run|march|exercis|hik)\w*"),
    "eases-on-stopping": Alarm(('stop', 'rest'), r"(eases?|goes( away)?|stops?|settles?|relieved|better|disappears?)( \w+){0,3} (when|once|as soon as|after|with) (i |he |she |they )?(stop|rest)\w*"),
    "chronic": Alarm(('chronic', 'long-standing', 'longstanding', 'years', 'recurrent', 'since childhood', 'for decades'), r"\bchronic\b|long[- ]?standing|for (many |several |\w+ |\d+ )?(years|decades)|(\d+|two|three|four|five|six|seven|eight|nine|ten|many|several)[- ](years?|decades?)['’]?( of| history)|recurrent|since childhood|episodic"),
    "limb-neuro": Alarm(('numb', 'tingl', 'pins and needles', 'paraesthesi', 'paresthesi'), r"numb(ness)?|tingl\w*|pins and needles|pa?raesthesi\w*|paresthesi\w*"),
    "neuro": Alarm(('vision', 'speech', 'droop', 'drop attack', 'swallow', 'speaking', 'finding words', 'confusion', 'nystagmus', 'ataxia', 'balance', 'coordination', 'numb'), r"double vision|(loss|lost|losing) (of )?(the )?vision|vision loss|blurred vision|slurred speech|facial droop|drop attacks?|difficulty swallowing|(trouble|difficulty) (speaking|finding words)|confusion|nystagmus|ataxia|(loss of|lost) (balance|coordination)|numb(ness)? (in|of|on|around) (my |the |his |her |one side of (my |the )?)?(face|lips?|tongue|mouth)|(face|lips?|tongue|mouth) (is |are |feels |went |goes |has gone )?numb"),
    "dizziness": Alarm(('dizz', 'vertigo', 'black', 'light-headed', 'light headed', 'lightheaded'), r"dizz(y|iness)|vertigo|black(ing)?[- ]?outs?|light[- ]headed"),
    "jaw-claudication": Alarm(('chewing', 'jaw', 'scalp', 'hair'), r"\bchewing\b|jaw (ache|pain|tires|gets tired) (when|on|while) (eating|chewing)|scalp (is )?(tender|sore)|brushing (my|his|her|their) hair"),
    "fever": Alarm(('fever', 'temperature', 'chills', 'rigors', 'night sweats'), r"\bfever(ish)?\b|high temperature|\bchills\b|\brigors\b|night sweats"),
    "hot-joint": Alarm(('hot',), r"hot,? (red,? )?(and )?swollen (joint|knee|ankle|wrist|elbow|shoulder)|(joint|knee|ankle|wrist|elbow) (is |was )?hot and swollen"),
    "weakness": Alarm(('foot drop', 'dropped foot', 'drop foot', 'drops foot', 'weak'), r"foot drop|drop(ped|s)? foot|(getting|becoming|increasingly|progressively) weak(er)?|weakness (is )?(getting worse|worsening|progressive|spreading)|progressive weakness"),
    "cancer": Alarm(('cancer', 'carcinoma', 'metasta', 'lymphoma', 'myeloma', 'leuk', 'melanoma', 'sarcoma', 'tumour', 'tumor'), r"\bcancer\b|carcinoma|metasta\w+|lymphoma|myeloma|leuka?emia|melanoma|sarcoma|\btumou?r\b"),
    "weight-loss": Alarm(('weight', 'lost'), r"weight loss|lost (\w+ )?(weight|\d+ ?(kg|kilos?|pounds|lbs?|stone))|(unexplained|unintentional) weight"),
    "night-pain": Alarm(('night', 'wake', 'awake', 'sleep', 'relief', 'regardless of', 'not eased by rest'), r"night pain|\bnights?\b(?!\s+sweat)|wakes? (me|him|her|them|the patient)( up)?|keeps? (me|him|her|them) awake|disturb(s|ing)? (my |his |her |their )?sleep|(can(no|')t|unable to) (sleep|find relief)|constant (pain )?regardless of (movement|position|posture)|not eased by rest", POSITIONAL),
    "unremitting": Alarm(('regardless of', 'unremitting', 'relentless', 'nothing', 'relief', 'not eased', 'not relieved', 'rest'), r"constant regardless of|unremitting|relentless|nothing (\w+ ){0,3}(helps|eases|relieves)|cannot find relief|not (eased|relieved) by (rest|lying)|(stays|persists|remains|continues|lingers|carries on)( even)? (after|with|at|during|despite|through) (\w+ ){0,3}rest(ing)?\b"),
    "worsening": Alarm(('worse', 'deteriorat', 'no response', 'not improving', 'not responding', 'despite', 'more frequent', 'slow to settle', 'more and more', 'increasingly'), r"(gradually|progressively|steadily|slowly)? ?(getting|got|becoming|became|gets) worse|worse(ned|ning)|deteriorat\w+|no response to|not (improving|responding)|despite (treatment|physiotherapy|\d+ visits|painkillers)|becoming more frequent|slow to settle|(hurt\w*|pain\w*|ach\w*|sore|swell\w*|swollen)( \w+){0,2} more and more|more and more (painful|sore|swollen)|increasingly (painful|sore|swollen|bad)|(much|a lot|far|lot|even) worse"),
    "night-sweats": Alarm(('sweat',), r"night sweats|drenching sweats|sweat(s|ing) at night"),
    "tuberculosis": Alarm(('tuberculosis', 'tb'), r"tuberculosis|\bTB\b"),
    "smoking": Alarm(('pack', 'smok'), r"pack[- ]years?|heavy smok\w+|smoked heavily|smok(es|ed|ing|er)\b"),
    "head-injury": Alarm(('head', 'forehead', 'face', 'concussion', 'dazed', 'knocked out', 'consciousness'), r"(struck|hit|knocked|bang(ed)?|bumped) (on|in) the (head|forehead|face)|struck on the (head|forehead)|head injury|concussion|dazed|knocked out|loss of consciousness"),
    "fragility": Alarm(('osteopor', 'osteopenia', 'steroid', 'prednisolone'), r"osteoporo\w+|osteopenia|long[- ]term steroids|prednisolone|steroid tablets"),
    "bilateral": Alarm(('both ', 'bilateral'), r"both (legs|arms|hands|feet)|bilateral (leg|arm|limb)|(in|into) both lower limbs"),
    "steroid-injection": Alarm(('injection', 'injected'), r"(steroid|cortisone|corticosteroid) injection|injected (with )?(a )?(steroid|cortisone)"),
    "anticoagulant": Alarm(('warfarin', 'apixaban', 'rivaroxaban', 'edoxaban', 'dabigatran', 'clopidogrel', 'ticagrelor', 'heparin', 'anticoagula', 'thinn'), r"warfarin|apixaban|rivaroxaban|edoxaban|dabigatran|clopidogrel|ticagrelor|heparin|anticoagula\w+|blood[- ]thinn\w+"),
    "bleeding": Alarm(('haemophilia', 'hemophilia', 'bleeding', 'willebrand', 'platelets', 'thrombocytopenia'), r"haemophilia|hemophilia|bleeding disorder|von willebrand|low platelets|thrombocytopenia"),
    "pregnant": Alarm(('pregnan',), r"\bpregnan(t|cy)\b|weeks pregnant"),
    "needle-fear": Alarm(('needle',), r"(afraid|scared|fear|phobi\w*) of needles|needle[- ]phobi\w+"),
    "lymphoedema": Alarm(('lymph',), r"lymph(o)?edema|lymphoedema|lymph nodes (were )?removed"),
    "epilepsy": Alarm(('epilep', 'seizure'), r"epilep\w+|seizures?"),
    "implant": Alarm(('pacemaker', 'defibrillator', 'implant', 'stimulator'), r"pacemaker|defibrillator|implanted (pump|device)|breast implants?|spinal cord stimulator"),
    "immunocompromised": Alarm(('chemotherapy', 'immunosuppress', 'hiv', 'transplant', 'biologic', 'tuberculosis treatment'), r"chemotherapy|immunosuppress\w+|\bHIV\b|transplant|biologic (therapy|drugs?)|tuberculosis treatment"),
    "metal-allergy": Alarm(('allerg',), r"(nickel|metal|chromium) allergy|allergic to (nickel|metal|chromium)"),
    "varicose": Alarm(('varicose',), r"varicose"),
    "aneurysm": Alarm(('aneurysm',), r"aneurysm"),
    "headache": Alarm(('headache', 'migraine'), r"headaches?|migraines?"),
    # Whole-body effort that brings the pain on or makes it worse (angina: NICE CG95). Lifting is
    # left out: it loads the neck and shoulder mechanically.
    "exertional-pain": Alarm(('walk', 'run', 'jog', 'climb', 'stairs', 'uphill', 'hill', 'exercis', 'exert', 'cycl', 'hurry', 'effort', 'gym'), r"(pain\w*|ache|aches|aching|hurts?|hurting|worse|tight\w*|comes on|came on|starts?|brought on)( \w+){0,4} (when|while|on|after|with|during) (i |he |she |they )?(walk\w*|run\w*|jog\w*|climb\w*|(going |walking )?(up ?stairs|uphill|up (the )?stairs|up (a )?hills?)|exercis\w*|exert\w*|cycl\w*|hurry\w*|(physical )?effort|the gym)\b|on exertion|exertional"),
    "kidney-stone": Alarm(('kidney stone', 'renal stone', 'renal colic', 'passed a stone', 'urinary stone', 'stones in my kidney'), r"kidney stones?|renal (stones?|colic)|passed a stone|urinary stones?|stones in my kidneys?"),
    # Feeling generally unwell in a way that is not pain: fatigue, an unexplained change in weight.
    "systemic": Alarm(('tired', 'exhausted', 'fatigue', 'run down', 'washed out', 'weight', 'unwell', 'lethargic'), r"(feel|feels|feeling|felt|always|very|so|constantly) (\w+ )?(tired|exhausted|fatigued|run down|washed out|lethargic|unwell)|fatigue|put on (\w+ )?weight|weight gain|gained (\w+ )?weight"),
    # Pain tied to periods or felt during intercourse (NICE NG73 symptoms of endometriosis).
    "period-related": Alarm(('period', 'menstru', 'menses', 'intercourse', 'sex', 'dyspareunia', 'dysmenorrh', 'cyclical', 'catamenial'), r"(with|during|around|before|at the time of) (my |her |their |the )?(periods?|menstruation|menses)|periods? (are|is|were|was) (very |so |really )?painful|painful periods|period pains?|(pain|painful|hurts?) (during|with|after) (sex|intercourse)|(intercourse|sex) (is|was) (also |very )?painful|(menstrual|cyclical|catamenial)( \w+)? (pain|sciatica|back pain)|dyspareunia|dysmenorrh\w+"),
    # Leg pain that comes on after a few minutes of walking or standing (claudication, arterial or
    # from spinal stenosis): the lead word keeps "I walk for 30 minutes a day" out.
    "walking-tolerance": Alarm(('walk', 'stand'), r"(after|when|on|while|within) (\w+ )?(standing|walking|stand|walk)( or (standing|walking|stand|walk))? (for )?(about |only |just |more than |over |around )?(a few|\d+|one|two|three|four|five|ten|fifteen|twenty|thirty|a hundred|100|200)[- ](minutes?|mins?|yards|metres|meters|m)\b|(can only|can't|can’t|cannot) (walk|stand) (for )?(more than |over )?(a few|\d+|one|two|three|four|five|ten|fifteen|twenty|a hundred)[- ](minutes?|yards|metres|meters)"),
    "injecting-drugs": Alarm(('inject', 'intravenous drug', 'iv drug', 'heroin'), r"inject(s|ed|ing)? (\w+ )?drugs|(intravenous|iv) drug (use|user|abuse)|heroin"),
    # An infection in the weeks before: bacteria in the blood can settle in the spine or a joint.
    "recent-infection": Alarm(('infection', 'abscess', 'boil', 'cellulitis', 'uti', 'cystitis', 'pneumonia'), r"(urine|urinary|bladder|kidney|chest|skin|wound|tooth|dental|ear|throat) infection|\bUTI\b|cystitis|pneumonia|abscess|\bboils?\b|cellulitis|(had|recent|recently had|after) (an? )?infection"),
    # A headache that reached its worst within minutes (thunderclap onset: SNNOOP10).
    "peak-within-minutes": Alarm(('worst', 'peak', 'maximum', 'full force'), r"(at its worst|at (its )?(peak|maximum)|peaked|reached (its )?(worst|peak|maximum)|full force) (with)?in (a|one|two|three|a few|\d+|seconds|minutes)( or (two|three|four|five|\d+))?( (seconds?|minutes?))?"),
    # Brown, dark or cola-coloured urine: muscle breakdown (myoglobin) when the muscles hurt.
    "dark-urine": Alarm(('urine', 'pee', 'wee'), r"(brown|dark|cola|tea)[- ]colou?red (urine|pee|wee)|(urine|pee|wee) (is|was|has|had|turned|went|looks?|looked|became|has gone|has turned)( \w+)? (brown|dark|cola|coca-cola|tea)|(brown|dark|cola) (urine|pee|wee)"),
    # A headache brought on or made worse by coughing, sneezing or straining (SNNOOP10: Valsalva).
    "valsalva": Alarm(('cough', 'sneez', 'strain'), r"(worse|brought on|comes on|starts|triggered|hurts( more)?)( \w+){0,3} (by|with|when|on|after) (i |he |she |they )?(cough\w*|sneez\w*|strain\w*)|(cough\w*|sneez\w*|strain\w*)( or (cough\w*|sneez\w*|strain\w*))? (makes?|made|brings?) (it|them|the headaches?|the pain) (worse|on)"),
    # A headache unlike the person's usual ones (SNNOOP10: pattern change).
    "changed-headache": Alarm(('headache', 'new kind', 'different', 'unlike', 'not like'), r"(new|different) (kind|type|sort) of headaches?|headaches? (is|are|feels?) (a )?(new|different)|new kind for me|different from (the ones|those|my usual|before|any)|(unlike|not like) (any|my usual|the ones)"),
    "abdominal-pain": Alarm(('stomach', 'abdom', 'belly', 'tummy'), r"(stomach|abdominal|belly|tummy) (pain|cramps?|ache)|(pain|cramps?|ache) in (my|the|his|her) (stomach|abdomen|belly|tummy)"),
    # Arms or legs that feel weak (not "getting weaker": that is "weakness").
    "limb-weakness": Alarm(('weak',), r"(arms?|legs?|hands?|feet|limbs?|muscles?|thighs?) (\w+ ){0,2}(feel|feels|felt|are|is|went|going|getting|have become|has become|became)( \w+)? weak|weak(ness)? (in|of) (my |both |his |her |the )?(arms?|legs?|hands?|feet|limbs?|muscles?|thighs?)|muscle weakness"),
    "cannot-bear-weight": Alarm(('walk', 'weight', 'crutches', 'stand', 'get about', 'get around'), r"(can(no|'|’)t|unable to|could(n't|n’t| not)|barely|hardly) (walk|stand|bear weight|put (any )?weight|weight[- ]bear|get about|get around)\w*(?! (as |very |that |so )?(far|long|much|fast|quickly|more|any distance|the same|uphill|downhill))|(without|on|needs?|using) (a pair of )?crutches"),
}  # fmt: skip


class Reason(NamedTuple):
    code: str  # the screening code, or "history" for words in the free text
    message: str
    urgency: str
    rule: str
    sources: tuple[str, ...]


class Precaution(NamedTuple):
    technique: str
    level: str  # avoid or caution
    reason: str
    code: str


class Note(NamedTuple):
    code: str
    message: str


class Screen(NamedTuple):
    urgency: str
    reasons: tuple[Reason, ...]
    precautions: tuple[Precaution, ...]
    notes: tuple[Note, ...]


_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+|\n+")
_CASE_SPECIALS = re.compile("[\u017f\u212a\u0130\u0131]")


class Facts:
    """What the rules look at, worked out once per presentation."""

    def __init__(self, p: Presentation) -> None:
        self.p = p
        self.yes = frozenset(code for code, answer in p.screening.items() if answer)
        self.age = p.age
        self.regions = frozenset(pain.region for pain in p.pain)
        self.text = p.free_text()
        self._lower = self.text.lower()
        # Lowercased text can be searched without IGNORECASE where lowering kept every position
        # and the text holds none of the few letters that IGNORECASE equates with a different
        # lowercase ASCII letter (long s, Kelvin sign, dotless and dotted i).
        self._folded = len(self._lower) == len(self.text) and _CASE_SPECIALS.search(self.text) is None
        self._sentences: list[tuple[str, str]] | None = None
        # The alarms whose keywords all appear nowhere in the text cannot match: worked out once,
        # so that most of the ~50 alarm lookups of a screen cost one set membership test.
        self._possible = _possible_alarms(self._lower) if self._lower else frozenset()
        self._said: dict[str, str | None] = {}

    def hurts(self, regions: frozenset[str]) -> bool:
        return bool(self.regions & regions)

    @property
    def over_50(self) -> bool:
        return self.age is not None and self.age > 50

    def _split(self) -> list[tuple[str, str]]:
        """The sentences, each as (searched, original): the lowercased sentence when the text
        folds safely (splitting is on punctuation and spaces, which lowering leaves alone, so the
        two splits line up), else the original twice."""
        original = [s for s in _SENTENCE_END.split(self.text) if s.strip()]
        if not self._folded:
            return [(s, s) for s in original]
        lowered = [s for s in _SENTENCE_END.split(self._lower) if s.strip()]
        return list(zip(lowered, original, strict=True))

    def said(self, name: str) -> str | None:
        """The words of the free text matching alarm ``name``, unless negated in their sentence."""
        if name not in self._possible:
            if name not in SAID:
                raise KeyError(name)
            return None
        if name in self._said:
            return self._said[name]
        self._said[name] = found = self._search(name)
        return found

    def _search(self, name: str) -> str | None:
        alarm = SAID[name]
        if self._folded:
            pattern = alarm.lower()
            if pattern.search(self._lower) is None:  # one pass over the whole text first: usually no match
                return None
        else:
            pattern = alarm.compiled()
            if pattern.search(self.text) is None:
                return None
        if self._sentences is None:
            self._sentences = self._split()
        for sentence, original in self._sentences:
            if alarm.unless and alarm.voided(sentence):
                continue
            for match in pattern.finditer(sentence):
                if negated(sentence[: match.start()]):
                    continue
                return original[match.start() : match.end()].strip()
        return None


@cache
def _keyword_index() -> tuple[
    dict[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]], tuple[tuple[str, tuple[str, ...]], ...]
]:
    """Keyword fragments by their first three characters (and the shorter ones apart), each with
    the alarms it can start."""
    alarms: dict[str, list[str]] = {}
    for name, alarm in SAID.items():
        for keyword in alarm.keywords:
            alarms.setdefault(keyword, []).append(name)
    by_trigram: dict[tuple[str, ...], list[tuple[str, tuple[str, ...]]]] = {}
    short = []
    for keyword, names in alarms.items():
        if len(keyword) < 3:
            short.append((keyword, tuple(names)))
        else:
            by_trigram.setdefault(tuple(keyword[:3]), []).append((keyword, tuple(names)))
    return {k: tuple(v) for k, v in by_trigram.items()}, tuple(short)


@cache
def _trigram_keys() -> frozenset[tuple[str, ...]]:
    return frozenset(_keyword_index()[0])


def _possible_alarms(lower: str) -> frozenset[str]:
    """The alarms with at least one keyword in the (lowercased) text.

    Only keywords whose first three characters occur in the text are looked for: about a third
    of the cost of trying all two hundred.
    """
    by_trigram, short = _keyword_index()
    found: set[str] = set()
    # The text's trigrams as tuples of characters, built by zip in C and fed straight to the
    # keyword trigrams' frozenset (no set of the text's trigrams is built): less than half the
    # cost of slicing them in a comprehension.
    for gram in _trigram_keys().intersection(zip(lower, lower[1:], lower[2:], strict=False)):
        for keyword, names in by_trigram[gram]:
            if keyword in lower:
                found.update(names)
    for keyword, names in short:
        if keyword in lower:
            found.update(names)
    return frozenset(found)


# A rule's test returns what triggered it: a list of (code, words) or an empty list.
Hit = list[tuple[str, str]]
Test = Callable[[Facts], Hit]


def answer(f: Facts, code: str) -> Hit:
    return [(code, vocab.screening_questions()[code].question)] if code in f.yes else []


def words(f: Facts, name: str) -> Hit:
    if name not in f._possible and name in SAID:  # the common case, without a call (sixty per screen)
        return []
    found = f.said(name)
    return [("history", f"“{found}”")] if found else []


def either(*hits: Hit) -> Hit:
    return [h for hit in hits for h in hit]


def both(first: Hit, *others: Hit) -> Hit:
    return first + [h for o in others for h in o] if first and all(others) else []


def region_hit(f: Facts, regions: frozenset[str], label: str) -> Hit:
    return [("pain", label)] if f.hurts(regions) else []


def age_hit(f: Facts) -> Hit:
    return [("age", f"aged {f.age}")] if f.over_50 else []


def unexplained_limp(f: Facts) -> Hit:
    """A limp said, hip or leg pain, building up; no injury, strain or long history.

    Written to stop at the first condition that fails, the rarest first: most texts never say
    "limp", and the other alarms then need no search.
    """
    limp = words(f, "limp")
    if not limp or not f.hurts(LIMB_BONES) or "recent-trauma" in f.yes:
        return []
    if f.said("fresh-injury") or f.said("mechanical-onset") or f.said("chronic"):
        return []
    return both(
        limp,
        region_hit(f, LIMB_BONES, "hip, pelvis or leg pain"),
        either(words(f, "weeks-long"), words(f, "worsening"), words(f, "new-pain"), words(f, "no-better")),
    )


def young_persistent_limb_pain(f: Facts) -> Hit:
    """Under 19 (or said to be a teenager), limb, hip or pelvic pain for weeks, no injury answered."""
    if "recent-trauma" in f.yes or not f.hurts(LIMB_BONES):
        return []
    young = [("age", f"aged {f.age}")] if f.age is not None and f.age < 19 else words(f, "young")
    if not young:
        return []
    return both(
        young,
        region_hit(f, LIMB_BONES, "pain in a limb, the hip or the pelvis"),
        either(
            words(f, "weeks-long"),
            words(f, "worsening"),
            words(f, "no-better"),
            words(f, "night-pain"),
            answer(f, "night-pain"),
            answer(f, "not-improving"),
        ),
    )


def listed(items: tuple[str, ...], pattern: re.Pattern[str], label: str) -> Hit:
    """The first of the client's listed items (aggravating or relieving) that ``pattern`` finds,
    quoted after ``label``."""
    item = next((m.group(0) for a in items if (m := pattern.search(a))), None)
    return [("history", f"{label} “{item}”")] if item else []


def said_or_aggravated(f: Facts, name: str, item: re.Pattern[str], label: str) -> Hit:
    """Alarm ``name`` in the free text, or an aggravating item ``item`` finds: an aggravating item
    is by definition something that brings the pain on, so the bare activity is enough there."""
    return words(f, name) or listed(f.p.aggravating, item, label)


EXERTION_ITEM = re.compile(
    r"\b(walk\w*|run\w*|jog\w*|climb\w*|stairs|uphill|hills?|exercis\w*|exert\w*|cycl\w*|hurry\w*|physical effort)\b",
    re.IGNORECASE,
)


def exertional(f: Facts) -> Hit:
    """Pain brought on or made worse by whole-body effort."""
    return said_or_aggravated(f, "exertional-pain", EXERTION_ITEM, "made worse by")


WALKING_ITEM = re.compile(
    r"\b(standing|walking|stand|walk)( or (standing|walking|stand|walk))? (for )?(about |only |just |more than |over "
    r"|around )?(a few|\d+|one|two|three|four|five|ten|fifteen|twenty|thirty)[- ](minutes?|mins?|yards|metres|meters|m)\b",
    re.IGNORECASE,
)


def walking_tolerance(f: Facts) -> Hit:
    """Pain that comes on after a few minutes of walking or standing."""
    return said_or_aggravated(f, "walking-tolerance", WALKING_ITEM, "brought on by")


VALSALVA_ITEM = re.compile(r"\b(cough\w*|sneez\w*|strain\w*)", re.IGNORECASE)


def valsalva(f: Facts) -> Hit:
    """Made worse by coughing, sneezing or straining."""
    return said_or_aggravated(f, "valsalva", VALSALVA_ITEM, "made worse by")


def both_sides(f: Facts, regions: frozenset[str]) -> Hit:
    """Pain in ``regions`` on the left and on the right (a bilateral mark counts as both)."""
    sides = {
        side
        for pain in f.p.pain
        if pain.region in regions
        for side in ("left", "right")
        if pain.side in (side, "bilateral")
    }
    return [("pain", "limbs on both sides")] if len(sides) == 2 else []


def headache(f: Facts) -> Hit:
    """A headache drawn (temple, forehead, back of the head...) or said."""
    return region_hit(f, HEADACHE, "headache") or words(f, "headache")


def spondyloarthritis_features(f: Facts) -> Hit:
    """Three or more of the NICE NG65 features of axial spondyloarthritis that an intake can show.

    NICE refers at four, and at three tests HLA-B27: three is where a doctor should look. Onset
    before 35 is read from the current age (an upper bound of the age at onset).
    """
    features: Hit = []
    if f.age is not None and f.age < 35:
        features.append(("age", "began before 35"))
    if f.hurts(BUTTOCK):
        features.append(("pain", "buttock pain"))
    features += either(answer(f, "night-pain"), words(f, "night-pain"))[:1]
    # only what the client says eases it, not what aggravates it
    features += listed(f.p.relieving, SAID["better-with-movement"].compiled(), "eased by")
    features += words(f, "spondyloarthritis-history")
    return features if len(features) >= 3 else []


class RedFlag(NamedTuple):
    rule: str
    urgency: str
    test: Test
    message: str
    sources: tuple[str, ...]


RED_FLAGS: tuple[RedFlag, ...] = (
    # ---- emergency: medical care now (999 / A&E or same-day) ---------------------------
    RedFlag(
        "cauda-equina",
        "emergency",
        lambda f: both(
            either(
                answer(f, "saddle-numbness"),
                answer(f, "bladder-bowel-change"),
                words(f, "saddle"),
                words(f, "bladder-bowel"),
            ),
            either(region_hit(f, BACK_OR_LEG, "back or leg pain"), answer(f, "bilateral-limb-symptoms")),
        ),
        "Possible cauda equina syndrome: saddle numbness or new bladder or bowel change with back or leg pain. "
        "Send to A&E now; do not treat.",
        ("ifompt-spine-2020", "nice-ng59"),
    ),
    RedFlag(
        "possible-cardiac",
        "emergency",
        lambda f: either(
            answer(f, "chest-pain-exertion"),
            # (the rest all need pain in the cardiac area: looked at first, the words only then)
            either(
                both(
                    answer(f, "breathless-sweating-nausea"),
                    region_hit(f, CARDIAC_AREA, "chest, jaw, arm or shoulder pain"),
                ),
                both(words(f, "sweating"), region_hit(f, CARDIAC_AREA, "chest, jaw, arm or shoulder pain")),
                # Nausea goes with migraine too: with jaw pain alone it is not counted.
                both(words(f, "nausea"), region_hit(f, CARDIAC_AREA - JAW_OR_TEETH, "chest, arm or shoulder pain")),
                both(words(f, "exertion"), region_hit(f, CHEST, "chest pain")),
                both(words(f, "moving-chest-pain"), region_hit(f, CARDIAC_AREA, "chest or shoulder pain")),
            )
            if f.hurts(CARDIAC_AREA)
            else [],
        ),
        "Possible cardiac pain: chest, jaw, arm or shoulder pain with exertion, breathlessness, sweating or nausea. "
        "Call 999 if it is happening now, otherwise same-day medical assessment. Relief from trigger point "
        "treatment does not rule out a heart cause.",
        ("nice-cg95",),
    ),
    RedFlag(
        "possible-dvt",
        "emergency",
        lambda f: either(
            answer(f, "calf-swelling-warmth"), both(words(f, "swollen-calf"), region_hit(f, CALF, "calf or leg pain"))
        ),
        "Possible deep vein thrombosis: a swollen, warm or red calf. Same-day medical assessment; never massage, "
        "press or roll that leg until a clot is excluded.",
        ("nice-ng158",),
    ),
    RedFlag(
        "possible-rhabdomyolysis",
        "emergency",
        lambda f: words(f, "dark-urine"),
        "Muscle pain with brown, dark or cola-coloured urine (often after unaccustomed or extreme exercise): "
        "possible rhabdomyolysis, which can damage the kidneys. A&E or same-day medical assessment; no "
        "treatment or exercise until it is excluded.",
        ("nye-2021-exertional-rhabdomyolysis",),
    ),
    RedFlag(
        "possible-upper-limb-dvt",
        "emergency",
        lambda f: [] if "lymphoedema" in f.yes or f.said("lymphoedema") else words(f, "swollen-arm"),
        "Swelling of the arm, armpit or hand: possible clot in the deep veins of the arm (effort thrombosis in "
        "active young people, or with a line, a device or cancer), or infection or a growing lump. Same-day medical "
        "assessment; do not massage, press or roll that arm, armpit or chest wall until then.",
        ("uedvt-exercise-2006", "nice-ng158"),
    ),
    RedFlag(
        "thunderclap-headache",
        "emergency",
        lambda f: either(
            answer(f, "sudden-severe-headache"),
            words(f, "thunderclap"),
            both(either(words(f, "sudden-onset"), words(f, "peak-within-minutes")), region_hit(f, HEADACHE, "headache"))
            if f.hurts(HEADACHE)
            else [],
        ),
        "Sudden, severe (thunderclap) or abrupt-onset headache: possible bleeding in or around the brain or an "
        "arterial dissection. Call 999 / A&E now.",
        ("snnoop10-2019", "ifompt-cervical-2023"),
    ),
    RedFlag(
        "new-neurological-symptoms",
        "emergency",
        lambda f: either(answer(f, "neuro-symptoms"), words(f, "neuro")),
        "New neurological symptoms (vision loss, double vision, slurred speech, facial droop, drop attacks, "
        "difficulty swallowing or confusion): possible stroke, TIA or arterial dissection. Call 999 / A&E now.",
        ("ifompt-cervical-2023", "snnoop10-2019"),
    ),
    RedFlag(
        "possible-arterial-dissection",
        "emergency",
        lambda f: both(
            either(answer(f, "dizziness-with-neck-pain"), words(f, "dizziness")),
            region_hit(f, NECK | HEADACHE, "neck pain or headache"),
        ),
        "Neck pain or headache with dizziness or blackouts: possible cervical artery dissection. Same-day medical "
        "assessment; no neck manual therapy.",
        ("ifompt-cervical-2023",),
    ),
    RedFlag(
        "possible-giant-cell-arteritis",
        "emergency",
        lambda f: both(
            age_hit(f),
            either(
                answer(f, "jaw-claudication-scalp-tenderness"),
                both(words(f, "jaw-claudication"), region_hit(f, HEAD, "head or jaw pain")),
                both(words(f, "scalp-tender"), region_hit(f, HEAD | NECK, "head or neck pain")),
            ),
        ),
        "Over 50 with jaw pain on chewing or a tender scalp (with a headache now or recently, or neck pain): "
        "possible giant cell arteritis, which can cause sudden blindness. Same-day GP or emergency assessment.",
        ("bsr-gca-2020", "snnoop10-2019"),
    ),
    RedFlag(
        "possible-infection",
        "emergency",
        lambda f: either(
            answer(f, "hot-swollen-joint"),
            words(f, "hot-joint"),
            both(
                either(answer(f, "fever-or-unwell"), words(f, "fever")),
                region_hit(f, SPINE | NECK, "spinal or neck pain"),
            ),
            both(
                either(answer(f, "fever-or-unwell"), words(f, "fever")),
                region_hit(f, LIMB_BONES | HIP_FRONT, "hip, groin or leg pain"),
                either(words(f, "limp"), words(f, "cannot-bear-weight"), words(f, "worsening")),
            ),
        ),
        "A hot, swollen joint; fever with spinal or neck pain; or fever with hip, groin or leg pain that makes "
        "you limp or keeps getting worse: "
        "possible joint, spinal or deep muscle infection (septic arthritis, a psoas abscess, pyomyositis) or "
        "meningitis. Same-day medical assessment; do not treat.",
        ("bsr-septic-arthritis-2006", "ifompt-spine-2020"),
    ),
    RedFlag(
        "progressive-weakness",
        "emergency",
        lambda f: either(answer(f, "progressive-weakness"), words(f, "weakness")),
        "Progressive weakness or foot drop: possible nerve or spinal cord compression. Same-day medical assessment.",
        ("ifompt-spine-2020", "nice-ng59"),
    ),
    # ---- urgent: a doctor within days (e.g. suspected cancer pathway); no treatment until then -----
    RedFlag(
        "possible-angina",
        "urgent",
        lambda f: (
            []
            if (f.age is not None and f.age < 30) or not f.hurts(ANGINA_AREA)
            else both(region_hit(f, ANGINA_AREA, "neck, jaw, shoulder or arm pain"), exertional(f))
        ),
        "Neck, jaw, shoulder, arm or upper back pain brought on or made worse by walking, running, climbing or "
        "other effort: angina can be felt only there. A doctor should assess it within days (NICE: rapid access "
        "chest pain clinic) before treatment; if it comes at rest or lasts over 15 minutes, call 999.",
        ("nice-cg95",),
    ),
    RedFlag(
        "possible-giant-cell-arteritis-jaw-pain-and-headache",
        "urgent",
        lambda f: (
            []
            if not (f.over_50 and f.hurts(JAW_OR_TEETH)) or words(f, "chronic")  # the cheap tests first
            else both(age_hit(f), region_hit(f, JAW_OR_TEETH, "jaw or tooth pain"), headache(f))
        ),
        "Over 50 with jaw or tooth pain and a headache that is not long-standing: giant cell arteritis must be "
        "excluded the same day or the next (it can cause sudden loss of sight). Doctor first.",
        ("bsr-gca-2020", "snnoop10-2019"),
    ),
    RedFlag(
        "cannot-bear-weight",
        "urgent",
        lambda f: (
            []
            if words(f, "chronic")
            # Acute back pain after lifting or bending often stops people walking (muscle spasm):
            # with back pain alone, only an onset without a strain counts.
            or (not f.hurts(LEG_OR_HIP) and f.said("mechanical-onset"))
            else both(words(f, "cannot-bear-weight"), region_hit(f, BACK_OR_LEG | HIP_FRONT, "back, hip or leg pain"))
        ),
        "Cannot walk or put weight on the leg, with or without a fall: a fracture (hip, pelvis, spine or stress "
        "fracture) or an infection must be excluded with an examination and an X-ray the same or next day. "
        "Doctor first.",
        ("stiell-ottawa-ankle-1993", "stiell-ottawa-knee-1996"),
    ),
    RedFlag(
        "weakness-in-both-arms-or-legs",
        "urgent",
        lambda f: (
            []
            if not (hit := words(f, "limb-weakness"))
            else both(hit, either(both_sides(f, LIMBS), words(f, "bilateral"), answer(f, "bilateral-limb-symptoms")))
        ),
        "Weak arms or legs on both sides: a disease of the nerves, the spinal cord or the muscles (Guillain-Barré "
        "syndrome after an infection, cord compression, an inflammatory or hormonal muscle disease, a medicine) "
        "must be excluded. Medical assessment within days, the same day if the weakness is spreading or came on "
        "quickly.",
        ("ifompt-spine-2020", "nice-ng59"),
    ),
    RedFlag(
        "saddle-or-bladder-without-back-pain",
        "urgent",
        lambda f: (
            [] if f.hurts(BACK_OR_LEG) else either(answer(f, "saddle-numbness"), answer(f, "bladder-bowel-change"))
        ),
        "Saddle numbness or a new bladder or bowel change without back or leg pain: needs medical assessment before any treatment.",
        ("ifompt-spine-2020",),
    ),
    RedFlag(
        "possible-cancer",
        "urgent",
        lambda f: both(
            either(answer(f, "history-of-cancer"), words(f, "cancer")),
            either(
                answer(f, "night-pain"),
                answer(f, "unexplained-weight-loss"),
                words(f, "night-pain"),
                words(f, "weight-loss"),
                region_hit(f, SPINE, "spinal pain"),
                age_hit(f),
            ),
        ),
        "History of cancer with night pain, weight loss, spinal pain or age over 50: possible metastatic disease. "
        "Urgent medical review before treatment.",
        ("nice-ng12", "ifompt-spine-2020"),
    ),
    RedFlag(
        "unexplained-weight-loss",
        "urgent",
        lambda f: either(answer(f, "unexplained-weight-loss"), words(f, "weight-loss")),
        "Unexplained weight loss with pain: possible cancer or systemic disease. Urgent medical review before "
        "treatment.",
        ("nice-ng12", "ifompt-spine-2020"),
    ),
    RedFlag(
        "night-pain-over-50",
        "urgent",
        lambda f: [] if not f.over_50 else both(age_hit(f), either(answer(f, "night-pain"), words(f, "night-pain"))),
        "Over 50 with pain at night that rest does not ease: possible serious disease (cancer, infection). "
        "Urgent medical review before treatment.",
        ("nice-ng12", "ifompt-spine-2020"),
    ),
    RedFlag(
        "non-mechanical-spinal-pain",
        "urgent",
        lambda f: both(either(answer(f, "night-pain"), words(f, "unremitting")), region_hit(f, SPINE, "spinal pain")),
        "Constant spinal pain at night, not eased by rest or position: non-mechanical pain can mean cancer or "
        "infection. Urgent medical review before treatment.",
        ("ifompt-spine-2020",),
    ),
    RedFlag(
        "smoker-over-50-worsening",
        "urgent",
        lambda f: both(
            age_hit(f),
            either(answer(f, "smoker"), words(f, "smoking")),
            either(answer(f, "not-improving"), answer(f, "night-pain"), words(f, "worsening"), words(f, "night-pain")),
        ),
        "Over 50 with a smoking history and pain that keeps getting worse: shoulder, chest or back pain can be the "
        "first sign of lung cancer. Urgent medical review before treatment.",
        ("nice-ng12",),
    ),
    RedFlag(
        "night-pain-and-worsening",
        "urgent",
        lambda f: both(
            either(words(f, "night-pain"), answer(f, "night-pain")),
            # Long-standing pain that has not improved is not getting worse: then only words of
            # worsening count (a change is the red flag).
            either([] if words(f, "chronic") else answer(f, "not-improving"), words(f, "worsening")),
        ),
        "Pain at night that keeps getting worse despite care: possible serious disease. Urgent medical review "
        "before more treatment.",
        ("ifompt-spine-2020", "nice-ng12"),
    ),
    RedFlag(
        "night-sweats",
        "urgent",
        lambda f: words(f, "night-sweats"),
        "Night sweats with pain: possible infection (including tuberculosis) or lymphoma. Urgent medical review.",
        ("nice-ng12", "ifompt-spine-2020"),
    ),
    RedFlag(
        "tuberculosis",
        "urgent",
        lambda f: words(f, "tuberculosis"),
        "Tuberculosis, current or treated: spinal or joint tuberculosis must be excluded. Urgent medical review.",
        ("ifompt-spine-2020",),
    ),
    RedFlag(
        "spinal-pain-with-infection-risk",
        "urgent",
        lambda f: (
            []
            if not f.hurts(SPINE | NECK) or words(f, "chronic")
            else both(
                region_hit(f, SPINE | NECK, "spinal or neck pain"),
                either(
                    answer(f, "immunocompromised"),
                    words(f, "immunocompromised"),
                    words(f, "injecting-drugs"),
                    words(f, "recent-infection"),
                ),
            )
        ),
        "New spinal or neck pain with a weakened immune system, injecting drug use or a recent infection: a "
        "spinal infection (discitis, an epidural abscess) must be excluded, even without a fever. Urgent "
        "medical review before treatment.",
        ("ifompt-spine-2020",),
    ),
    RedFlag(
        "headache-with-secondary-features",
        "urgent",
        lambda f: (
            []
            if not (hit := headache(f))
            else both(hit, either(valsalva(f), both(words(f, "changed-headache"), words(f, "worsening"))))
        ),
        "A headache made worse by coughing, sneezing or straining, or a new kind of headache that keeps getting "
        "worse: raised pressure inside the head or another secondary cause must be excluded. Urgent medical "
        "review before treatment; the same day if it came on suddenly or with any neurological symptom.",
        ("snnoop10-2019",),
    ),
    RedFlag(
        "back-and-abdominal-pain-over-50",
        "urgent",
        lambda f: (
            []
            if not (f.over_50 and f.hurts(BACK))
            else both(
                age_hit(f),
                region_hit(f, BACK, "back pain"),
                either(region_hit(f, ABDOMEN, "abdominal pain"), words(f, "abdominal-pain")),
            )
        ),
        "Over 50 with back pain and abdominal pain together: an aortic aneurysm or a problem in an abdominal organ "
        "(pancreas, kidney, bowel) must be excluded. Medical assessment within days, the same day if the pain is "
        "severe or sudden; no deep abdominal work until then.",
        ("ifompt-spine-2020",),
    ),
    RedFlag(
        "head-injury-with-headache",
        "urgent",
        lambda f: both(
            either(words(f, "head-injury"), answer(f, "recent-trauma")),
            region_hit(f, HEADACHE, "headache"),
            either(words(f, "head-injury"), age_hit(f)),
        ),
        "Headache after a blow to the head: possible intracranial or neck injury. Medical assessment before treatment.",
        ("snnoop10-2019", "canadian-c-spine-2001"),
    ),
    RedFlag(
        "neck-pain-and-headache-after-trauma",
        "urgent",
        lambda f: both(
            either(answer(f, "recent-trauma"), words(f, "head-injury")),
            region_hit(f, NECK, "neck pain"),
            region_hit(f, HEADACHE, "headache"),
        ),
        "Neck pain with headache after an injury, even a minor one: possible cervical artery dissection or "
        "fracture. Medical assessment before any treatment; no neck manual therapy.",
        ("ifompt-cervical-2023", "canadian-c-spine-2001"),
    ),
    RedFlag(
        "persistent-arm-or-leg-nerve-symptoms-over-50",
        "urgent",
        lambda f: (
            []
            if not f.over_50
            else both(
                age_hit(f),
                words(f, "limb-neuro"),
                either(answer(f, "not-improving"), words(f, "worsening")),
            )
        ),
        "Over 50 with numbness or tingling in an arm or leg that is not getting better: nerve root, plexus "
        "or spinal cord compression, including an apical lung (Pancoast) tumour with shoulder and arm pain, must "
        "be excluded. Urgent medical review.",
        ("ifompt-spine-2020", "nice-ng12"),
    ),
    RedFlag(
        "calf-pain-with-clot-risk",
        "urgent",
        lambda f: (
            []
            if not f.hurts(CALF)
            else both(
                region_hit(f, CALF, "calf pain"),
                either(
                    answer(f, "long-immobility"),
                    answer(f, "recent-surgery"),
                    answer(f, "pregnant"),
                    words(f, "long-travel"),
                    words(f, "clot-risk"),
                    # an injury to the leg (less walking) whose pain is not settling
                    both(
                        either(answer(f, "recent-trauma"), words(f, "fresh-injury")),
                        either(answer(f, "not-improving"), words(f, "no-better"), words(f, "worsening")),
                    ),
                ),
            )
        ),
        "Calf pain with a risk factor for a clot (immobility, long travel, surgery, pregnancy or a recent "
        "pregnancy, hormonal treatment, a previous clot, or a leg injury whose pain is not settling): a deep vein "
        "thrombosis must be excluded the same day or the next; do not massage or press the calf until then.",
        ("nice-ng158",),
    ),
    RedFlag(
        "new-spinal-pain-over-50-not-improving",
        "urgent",
        lambda f: (
            []
            if not (f.over_50 and f.hurts(SPINE | NECK)) or words(f, "chronic")
            else both(
                age_hit(f),
                region_hit(f, SPINE | NECK, "spinal or neck pain"),
                either(answer(f, "not-improving"), words(f, "worsening"), words(f, "no-better")),
            )
        ),
        "Over 50 with new neck or back pain that is not getting better: cancer, infection or fracture must be "
        "excluded. Urgent medical review before treatment.",
        ("ifompt-spine-2020", "nice-ng12"),
    ),
    RedFlag(
        "new-thoracic-pain-over-50",
        "urgent",
        lambda f: (
            []
            if not (f.over_50 and f.hurts(THORACIC))
            else both(
                age_hit(f),
                region_hit(f, THORACIC, "pain in the middle of the back"),
                either(
                    words(f, "new-pain"),
                    words(f, "worsening"),
                    # Long-standing pain that has simply not gone is not a change: the red flag is new
                    # or worsening thoracic pain.
                    [] if words(f, "chronic") else either(words(f, "no-better"), answer(f, "not-improving")),
                    # Back pain felt with pain under the ribs at the front points inside the body.
                    region_hit(f, UPPER_ABDOMEN, "with upper abdominal pain"),
                ),
            )
        ),
        "Over 50 with new, worsening or unrelenting pain in the middle of the back, or with upper abdominal pain as "
        "well: thoracic pain is a red flag for spinal infection, cancer, and aortic or abdominal organ disease. "
        "Urgent medical review before treatment.",
        ("ifompt-spine-2020",),
    ),
    RedFlag(
        "growing-or-returning-lump",
        "urgent",
        lambda f: [] if "recent-trauma" in f.yes or f.said("fresh-injury") else words(f, "growing-lump"),
        "A lump or swelling that is large, growing, or came back after being drained or removed: it needs an "
        "urgent scan to exclude a soft tissue sarcoma (NICE: urgent ultrasound within two weeks). Do not massage "
        "or needle it.",
        ("nice-ng12",),
    ),
    RedFlag(
        "unexplained-bone-pain-in-a-young-person",
        "urgent",
        lambda f: [] if not (hit := young_persistent_limb_pain(f)) or f.said("sport") else hit,
        "A child or young person with persistent limb, hip or pelvic pain and no injury or sport to explain it: "
        "NICE asks for an X-ray within days to exclude a bone tumour (and, at the hip, a slipped growth plate). "
        "Doctor first.",
        ("nice-ng12",),
    ),
    RedFlag(
        "persistent-bone-pain-in-a-young-athlete",
        "routine",
        lambda f: hit if (hit := young_persistent_limb_pain(f)) and f.said("sport") else [],
        "A child or young person with limb, hip or pelvic pain for weeks, put down to sport: a doctor should "
        "examine it and consider an X-ray (bone tumours in the young are often first blamed on sport) before or "
        "alongside therapy.",
        ("nice-ng12",),
    ),
    RedFlag(
        "unexplained-limp-with-growing-pain",
        "urgent",
        lambda f: unexplained_limp(f),
        "A new limp with hip or leg pain that has been building up, and no injury to explain it: bone pain of "
        "this kind needs an X-ray within two weeks (fracture, bone tumour or metastasis, avascular necrosis, "
        "infection). Doctor first.",
        ("nuh-sarcoma-gp", "nice-ng12"),
    ),
    RedFlag(
        "sudden-loin-or-back-pain-without-strain",
        "urgent",
        lambda f: (
            []
            if "recent-trauma" in f.yes or f.said("mechanical-onset")
            else both(words(f, "sudden-onset"), region_hit(f, LOIN, "back or loin pain"))
        ),
        "Back or loin pain that came on suddenly without a strain or injury: a cause inside the body (kidney "
        "stone or infection, gallbladder, pancreas, aorta, lung) must be excluded first. Medical assessment the "
        "same day if it is severe, otherwise within days; no treatment until then.",
        ("bmj-renal-colic-2012", "ifompt-spine-2020"),
    ),
    RedFlag(
        "loin-pain-after-kidney-stones",
        "urgent",
        lambda f: (
            []
            if not f.hurts(LOIN | {"sacroiliac", "groin"}) or words(f, "chronic")
            else both(
                words(f, "kidney-stone"), region_hit(f, LOIN | {"sacroiliac", "groin"}, "back, loin or groin pain")
            )
        ),
        "Back, loin or groin pain in someone who has had kidney stones: a new stone or a kidney infection must be "
        "excluded (urine test, examination) within days, the same day if the pain is severe or with fever. "
        "Doctor first.",
        ("bmj-renal-colic-2012",),
    ),
    RedFlag(
        "groin-pain-in-an-endurance-athlete",
        "urgent",
        lambda f: both(region_hit(f, HIP_FRONT, "groin or hip pain"), words(f, "endurance")),
        "Groin or front-of-hip pain in a runner or endurance athlete: a femoral neck stress fracture must be "
        "excluded (it can displace if loaded). Urgent medical review and imaging before treatment.",
        ("robertson-wood-2017",),
    ),
    # ---- routine: see a doctor before or alongside therapy --------------------------------------------
    RedFlag(
        "exertional-leg-pain",
        "routine",
        lambda f: (
            both(
                region_hit(f, LEG_MUSCLES, "leg or buttock pain"),
                either(
                    both(words(f, "exertional-leg-pain"), words(f, "eases-on-stopping"))
                    if f.said("exertional-leg-pain")
                    else [],
                    walking_tolerance(f) if f.hurts(CLAUDICATION_AREA) else [],
                ),
            )
            if f.hurts(LEG_MUSCLES)
            else []
        ),
        "Leg pain that comes on with walking or running and eases soon after stopping, or after a few minutes of "
        "walking or standing: a doctor should check the circulation (intermittent claudication; in young athletes, "
        "an artery trapped behind the knee), the spine (narrowing of the spinal canal) and for a compartment "
        "syndrome, before or alongside therapy.",
        ("nice-cg147",),
    ),
    RedFlag(
        "possible-axial-spondyloarthritis",
        "routine",
        lambda f: (
            []
            if f.age is None or f.age >= 45 or not f.hurts(LOW_BACK_OR_BUTTOCK)
            else both(
                [("age", f"aged {f.age}")] if f.age is not None and f.age < 45 else [],
                region_hit(f, LOW_BACK_OR_BUTTOCK, "low back or buttock pain"),
                either(answer(f, "not-improving"), words(f, "chronic"), words(f, "no-better")),
                spondyloarthritis_features(f),
            )
        ),
        "Persistent low back or buttock pain that began before 45, with three features of inflammatory back pain: "
        "axial spondyloarthritis (ankylosing spondylitis) is often missed for years. A doctor should check the "
        "NICE referral criteria alongside therapy.",
        ("nice-ng65",),
    ),
    RedFlag(
        "possible-polymyalgia-rheumatica",
        "routine",
        lambda f: both(age_hit(f), region_hit(f, GIRDLE, "shoulder or hip girdle pain"), words(f, "morning-stiffness")),
        "Over 50 with shoulder or hip girdle pain and morning stiffness: polymyalgia rheumatica should be "
        "considered by a doctor (blood tests; it responds to steroids, and giant cell arteritis goes with it).",
        ("bsr-pmr-2010",),
    ),
    RedFlag(
        "new-back-pain-at-70-or-over",
        "routine",
        lambda f: (
            []
            if f.age is None or f.age < 70 or not f.hurts(BACK) or words(f, "chronic")
            else both([("age", f"aged {f.age}")], region_hit(f, BACK, "back pain"))
        ),
        "Aged 70 or over with back pain that is not long-standing: older age is one of the few red flags shown "
        "to raise the chance of a spinal fracture in back pain (and, with other signs, of cancer). A doctor should "
        "review it before or alongside therapy.",
        ("downie-2013", "ifompt-spine-2020"),
    ),
    RedFlag(
        "period-related-pain",
        "routine",
        lambda f: (
            []
            if f.p.sex == "M" or not f.hurts(PERIOD_PAIN_AREA)
            else both(words(f, "period-related"), region_hit(f, PERIOD_PAIN_AREA, "back, buttock or leg pain"))
        ),
        "Back, buttock or leg pain that comes with periods, or with painful periods or pain during intercourse: "
        "endometriosis (which can reach the sciatic nerve) should be considered by a GP or gynaecologist, "
        "alongside therapy.",
        ("nice-ng73",),
    ),
    RedFlag(
        "significant-trauma",
        "routine",
        lambda f: answer(f, "recent-trauma"),
        "Pain began after a fall, accident or significant injury: a fracture or ligament injury should be "
        "excluded by a doctor before or alongside therapy.",
        ("canadian-c-spine-2001", "ifompt-spine-2020"),
    ),
    RedFlag(
        "possible-fragility-fracture",
        "routine",
        lambda f: both(
            either(answer(f, "osteoporosis-or-steroids"), words(f, "fragility")), region_hit(f, SPINE, "spinal pain")
        ),
        "Osteoporosis or long-term steroids with spinal pain: possible fragility fracture. See a doctor; no deep "
        "pressure over the spine until then.",
        ("ifompt-spine-2020",),
    ),
    RedFlag(
        "bilateral-limb-symptoms",
        "routine",
        lambda f: either(
            answer(f, "bilateral-limb-symptoms"),
            # Pain in both feet or both hands alone is common (plantar heel pain, for one): said in
            # words, it counts with numbness or tingling, or with spinal pain.
            both(
                words(f, "bilateral"),
                either(words(f, "limb-neuro"), region_hit(f, SPINE, "spinal pain")),
            ),
        ),
        "Symptoms in both arms or both legs: spinal cord, nerve root or systemic causes should be excluded by a "
        "doctor.",
        ("ifompt-spine-2020",),
    ),
    RedFlag(
        "not-improving-with-warning-signs",
        "routine",
        lambda f: both(
            answer(f, "not-improving"),
            either(
                [("red-flag", c) for c in sorted(f.yes) if vocab.screening_questions()[c].kind == "red-flag"],
                age_hit(f),
                words(f, "night-pain"),
                words(f, "worsening"),
                [] if words(f, "chronic") else region_hit(f, THORACIC, "pain in the middle of the back"),
                words(f, "systemic"),
            ),
        ),
        "Not improving after a month of care, with other warning signs (a red-flag answer, age over 50, night pain, "
        "worsening, new thoracic pain, or feeling tired or gaining weight): medical review before more of the same.",
        ("ifompt-spine-2020",),
    ),
    RedFlag(
        "fever-or-unwell",
        "routine",
        lambda f: either(answer(f, "fever-or-unwell"), words(f, "fever")),
        "Feverish or unwell: postpone treatment and see a doctor if it persists.",
        ("nccih-massage", "ifompt-spine-2020"),
    ),
    RedFlag(
        "new-headache-over-50",
        "routine",
        lambda f: [] if not f.over_50 or words(f, "chronic") else both(age_hit(f), headache(f)),
        "Headache in someone over 50, not described as long-standing: a new or changed headache at this age "
        "needs a doctor's review (giant cell arteritis and other secondary causes).",
        ("snnoop10-2019", "bsr-gca-2020"),
    ),
    RedFlag(
        "jaw-claudication",
        "routine",
        lambda f: answer(f, "jaw-claudication-scalp-tenderness"),
        "Jaw pain on chewing or a tender scalp: a doctor should consider giant cell arteritis.",
        ("bsr-gca-2020",),
    ),
    RedFlag(
        "history-of-cancer",
        "routine",
        lambda f: answer(f, "history-of-cancer"),
        "History of cancer: new pain should be reviewed by the treating team; no deep pressure over a tumour site.",
        ("nice-ng12", "nccih-massage"),
    ),
    RedFlag(
        "night-pain",
        "routine",
        lambda f: answer(f, "night-pain"),
        "Constant night pain not eased by rest: a doctor should review it before or alongside therapy.",
        ("ifompt-spine-2020",),
    ),
    RedFlag(
        "persistent-arm-or-leg-nerve-symptoms",
        "routine",
        lambda f: both(words(f, "limb-neuro"), either(answer(f, "not-improving"), words(f, "worsening"))),
        "Numbness or tingling that is not getting better: a doctor should check for nerve or spinal causes "
        "before or alongside therapy.",
        ("ifompt-spine-2020",),
    ),
    RedFlag(
        "recent-steroid-injection",
        "routine",
        lambda f: words(f, "steroid-injection"),
        "A recent steroid injection into the painful area: the injecting clinician should review new or worse "
        "pain (infection, tendon weakening); no needling into the injected area.",
        ("apta-dn-2013",),
    ),
)

# What each rule cannot fire without: at least one of these screening answers ("yes") or alarm
# words (their keywords in the text) must be present, or the rule's test cannot return a hit.
# ``None``: the rule can fire from where it hurts and the age alone. Checking this first skips
# most rules of most presentations at the cost of one set test; a property test
# (tests/test_assess_safety_guards.py) shows that the screen gives the same answer without it.
NEEDS: dict[str, frozenset[str] | None] = {
    "cauda-equina": frozenset({"saddle-numbness", "bladder-bowel-change", "saddle", "bladder-bowel"}),
    "possible-cardiac": frozenset(
        {"chest-pain-exertion", "breathless-sweating-nausea", "sweating", "nausea", "exertion", "moving-chest-pain"}
    ),
    "possible-dvt": frozenset({"calf-swelling-warmth", "swollen-calf"}),
    "possible-upper-limb-dvt": frozenset({"swollen-arm"}),
    "possible-rhabdomyolysis": frozenset({"dark-urine"}),
    "thunderclap-headache": frozenset({"sudden-severe-headache", "thunderclap", "sudden-onset", "peak-within-minutes"}),
    "new-neurological-symptoms": frozenset({"neuro-symptoms", "neuro"}),
    "possible-arterial-dissection": frozenset({"dizziness-with-neck-pain", "dizziness"}),
    "possible-giant-cell-arteritis": frozenset(
        {"jaw-claudication-scalp-tenderness", "jaw-claudication", "scalp-tender"}
    ),
    "possible-infection": frozenset({"hot-swollen-joint", "hot-joint", "fever-or-unwell", "fever"}),
    "progressive-weakness": frozenset({"progressive-weakness", "weakness"}),
    "possible-angina": frozenset({"exertional-pain"}),  # an exertion item has one of its keywords
    "possible-giant-cell-arteritis-jaw-pain-and-headache": None,
    "cannot-bear-weight": frozenset({"cannot-bear-weight"}),
    "saddle-or-bladder-without-back-pain": frozenset({"saddle-numbness", "bladder-bowel-change"}),
    "possible-cancer": frozenset({"history-of-cancer", "cancer"}),
    "unexplained-weight-loss": frozenset({"unexplained-weight-loss", "weight-loss"}),
    "night-pain-over-50": frozenset({"night-pain"}),  # the answer and the alarm share the name
    "non-mechanical-spinal-pain": frozenset({"night-pain", "unremitting"}),
    "smoker-over-50-worsening": frozenset({"smoker", "smoking"}),
    "night-pain-and-worsening": frozenset({"night-pain"}),
    "night-sweats": frozenset({"night-sweats"}),
    "tuberculosis": frozenset({"tuberculosis"}),
    "head-injury-with-headache": frozenset({"head-injury", "recent-trauma"}),
    "neck-pain-and-headache-after-trauma": frozenset({"recent-trauma", "head-injury"}),
    "persistent-arm-or-leg-nerve-symptoms-over-50": frozenset({"limb-neuro"}),
    "calf-pain-with-clot-risk": frozenset(
        {"long-immobility", "recent-surgery", "pregnant", "long-travel", "clot-risk", "recent-trauma", "fresh-injury"}
    ),
    "new-spinal-pain-over-50-not-improving": frozenset({"not-improving", "worsening", "no-better"}),
    "new-thoracic-pain-over-50": None,  # with upper abdominal pain, from the drawing alone
    "growing-or-returning-lump": frozenset({"growing-lump"}),
    "unexplained-bone-pain-in-a-young-person": frozenset(
        {"weeks-long", "worsening", "no-better", "night-pain", "not-improving"}
    ),
    "persistent-bone-pain-in-a-young-athlete": frozenset({"sport"}),
    "unexplained-limp-with-growing-pain": frozenset({"limp"}),
    "sudden-loin-or-back-pain-without-strain": frozenset({"sudden-onset"}),
    "groin-pain-in-an-endurance-athlete": frozenset({"endurance"}),
    "exertional-leg-pain": frozenset({"exertional-leg-pain", "walking-tolerance"}),
    "possible-axial-spondyloarthritis": frozenset({"not-improving", "chronic", "no-better"}),
    "possible-polymyalgia-rheumatica": frozenset({"morning-stiffness"}),
    "significant-trauma": frozenset({"recent-trauma"}),
    "possible-fragility-fracture": frozenset({"osteoporosis-or-steroids", "fragility"}),
    "bilateral-limb-symptoms": frozenset({"bilateral-limb-symptoms", "bilateral"}),
    "not-improving-with-warning-signs": frozenset({"not-improving"}),
    "fever-or-unwell": frozenset({"fever-or-unwell", "fever"}),
    "new-headache-over-50": None,
    "jaw-claudication": frozenset({"jaw-claudication-scalp-tenderness"}),
    "history-of-cancer": frozenset({"history-of-cancer"}),
    "night-pain": frozenset({"night-pain"}),
    "persistent-arm-or-leg-nerve-symptoms": frozenset({"limb-neuro"}),
    "recent-steroid-injection": frozenset({"steroid-injection"}),
    "loin-pain-after-kidney-stones": frozenset({"kidney-stone"}),
    "new-back-pain-at-70-or-over": None,
    "period-related-pain": frozenset({"period-related"}),
    "weakness-in-both-arms-or-legs": frozenset({"limb-weakness"}),
    "headache-with-secondary-features": frozenset({"valsalva", "changed-headache"}),
    "back-and-abdominal-pain-over-50": None,
    "spinal-pain-with-infection-risk": frozenset(
        {"immunocompromised", "injecting-drugs", "recent-infection"}  # the answer and the alarm share a name
    ),
}
GUARDED = tuple((rule, NEEDS[rule.rule]) for rule in RED_FLAGS)


# Technique precautions: screening code -> (technique, level, reason). Free-text words raise the
# same precautions (PRECAUTION_WORDS) and the reason then quotes them.
HANDS_ON = ("manual-pressure-release", "massage", "myofascial-release", "foam-rolling", "ball-self-pressure")
PRECAUTIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "anticoagulants": (
        ("dry-needling", "avoid", "Takes anticoagulants: bleeding and deep haematoma risk (needling only after an individual risk assessment by a trained clinician)"),
        ("manual-pressure-release", "caution", "Takes anticoagulants: gentle pressure only, bruising risk"),
        ("massage", "caution", "Takes anticoagulants: no deep or forceful massage, bruising risk"),
        ("myofascial-release", "caution", "Takes anticoagulants: gentle pressure only"),
        ("foam-rolling", "caution", "Takes anticoagulants: light rolling only, stop if it bruises"),
        ("ball-self-pressure", "caution", "Takes anticoagulants: light pressure only, stop if it bruises"),
    ),
    "bleeding-disorder": (
        ("dry-needling", "avoid", "Bleeding or clotting disorder: bleeding and haematoma risk"),
        ("manual-pressure-release", "caution", "Bleeding or clotting disorder: gentle pressure only"),
        ("massage", "caution", "Bleeding or clotting disorder: no deep or forceful massage"),
        ("myofascial-release", "caution", "Bleeding or clotting disorder: gentle pressure only"),
        ("foam-rolling", "caution", "Bleeding or clotting disorder: light rolling only"),
        ("ball-self-pressure", "caution", "Bleeding or clotting disorder: light pressure only"),
    ),
    "pregnant": (
        ("dry-needling", "caution", "Pregnant: avoid in the first trimester and over the abdomen, low back and sacrum; only by a clinician trained in needling in pregnancy"),
        ("massage", "caution", "Pregnant: side-lying or supported positions, no deep pressure over the abdomen or the calves"),
        ("manual-pressure-release", "caution", "Pregnant: no deep pressure over the abdomen or the calves (clot risk is higher)"),
        ("heat", "caution", "Pregnant: no hot baths or heat over the abdomen or low back that raise core temperature"),
    ),
    "needle-phobia": (
        ("dry-needling", "avoid", "Afraid of needles: dry needling is not appropriate"),
    ),
    "skin-infection-or-wound": (
        ("dry-needling", "avoid", "Skin infection, wound or bruise at the site: no needling there"),
        ("massage", "caution", "Skin infection, wound or bruise: work around the area, never over it"),
        ("manual-pressure-release", "caution", "Skin infection, wound or bruise: not over the area"),
        ("myofascial-release", "caution", "Skin infection, wound or bruise: not over the area"),
        ("foam-rolling", "caution", "Skin infection, wound or bruise: not over the area"),
        ("ball-self-pressure", "caution", "Skin infection, wound or bruise: not over the area"),
        ("heat", "caution", "Skin infection or wound: no heat over it"),
    ),
    "lymphoedema": (
        ("dry-needling", "avoid", "Lymphoedema: no needling in the affected limb or quarter (infection and cellulitis risk)"),
        ("massage", "caution", "Lymphoedema: no deep massage of the affected limb; lymphatic drainage only by a trained therapist"),
        ("manual-pressure-release", "caution", "Lymphoedema: gentle pressure only in the affected limb"),
        ("heat", "caution", "Lymphoedema: heat can increase swelling in the affected limb"),
        ("foam-rolling", "caution", "Lymphoedema: not on the affected limb"),
    ),
    "reduced-sensation": (
        ("heat", "avoid", "Reduced feeling in the skin: heat can burn without being felt"),
        ("manual-pressure-release", "caution", "Reduced feeling in the skin: the client cannot judge pressure; use less"),
        ("ball-self-pressure", "caution", "Reduced feeling in the skin: pressure may not be felt; use less and check the skin"),
        ("foam-rolling", "caution", "Reduced feeling in the skin: pressure may not be felt; check the skin"),
        ("dry-needling", "caution", "Reduced feeling in the skin: feedback during needling is unreliable"),
    ),
    "immunocompromised": (
        ("dry-needling", "caution", "Weakened immune system: higher infection risk; strict asepsis, or avoid"),
    ),
    "epilepsy": (
        ("dry-needling", "caution", "Epilepsy: needling can provoke a faint or seizure; treat lying down and never leave the client alone"),
    ),
    "implanted-device": (
        ("dry-needling", "caution", "Implanted device: no needling near the device or its leads, and no electrical stimulation"),
        ("massage", "caution", "Implanted device: no pressure over the device"),
        ("manual-pressure-release", "caution", "Implanted device: no pressure over the device"),
        ("ball-self-pressure", "caution", "Implanted device: not over the device"),
        ("foam-rolling", "caution", "Implanted device: not over the device"),
        ("heat", "caution", "Implanted device: no heat over an implanted pump or stimulator"),
    ),
    "metal-allergy": (
        ("dry-needling", "caution", "Metal allergy: needles contain nickel and chromium; use suitable needles or avoid"),
    ),
    "varicose-veins": (
        ("massage", "caution", "Varicose veins: no deep pressure over them"),
        ("manual-pressure-release", "caution", "Varicose veins: not over them"),
        ("foam-rolling", "caution", "Varicose veins: do not roll over them"),
        ("ball-self-pressure", "caution", "Varicose veins: not over them"),
        ("dry-needling", "caution", "Varicose veins: never needle into or beside them"),
        ("heat", "caution", "Varicose veins: heat widens the veins; avoid heat over them"),
    ),
    "aneurysm": (
        ("massage", "caution", "Aneurysm: no deep pressure over the abdomen or the site of the aneurysm"),
        ("manual-pressure-release", "caution", "Aneurysm: no deep pressure over the abdomen (e.g. psoas release)"),
        ("myofascial-release", "caution", "Aneurysm: no deep abdominal work"),
        ("dry-needling", "caution", "Aneurysm: no needling over or near it (e.g. deep abdominal or psoas needling)"),
    ),
    "diabetes": (
        ("dry-needling", "caution", "Diabetes: slower healing and a higher infection risk; check the skin and circulation, strict asepsis"),
    ),
    "recent-injection": (
        ("dry-needling", "caution", "Injection into the painful area in the last three months: no needling into the injected site"),
        ("massage", "caution", "Recent injection: no deep pressure over the injected site for the first weeks"),
    ),
    # Precautions that follow red flags: the referral comes first, but the plan must also know.
    "calf-swelling-warmth": tuple(
        (t, "avoid", "Possible deep vein thrombosis: no hands-on work, rolling or needling on that leg until a clot is excluded")
        for t in (*HANDS_ON, "dry-needling", "heat")
    ),
    "osteoporosis-or-steroids": (
        ("massage", "caution", "Osteoporosis or long-term steroids: no deep pressure over bone, ribs or spine"),
        ("manual-pressure-release", "caution", "Osteoporosis or long-term steroids: moderate pressure, not over bone"),
        ("foam-rolling", "caution", "Osteoporosis or long-term steroids: no rolling over the spine or ribs"),
        ("myofascial-release", "caution", "Osteoporosis or long-term steroids: gentle forces only"),
    ),
    "dizziness-with-neck-pain": (
        ("stretching", "caution", "Dizziness with neck pain: no end-range neck stretches until a vascular cause is excluded"),
        ("massage", "caution", "Dizziness with neck pain: no deep work on the front of the neck"),
    ),
    "hot-swollen-joint": (
        ("heat", "avoid", "Hot, swollen joint: heat can worsen inflammation or infection"),
        ("massage", "avoid", "Hot, swollen joint: no massage over it"),
    ),
}  # fmt: skip

PRECAUTION_WORDS = {
    "anticoagulant": "anticoagulants",
    "bleeding": "bleeding-disorder",
    "pregnant": "pregnant",
    "needle-fear": "needle-phobia",
    "lymphoedema": "lymphoedema",
    "epilepsy": "epilepsy",
    "implant": "implanted-device",
    "immunocompromised": "immunocompromised",
    "metal-allergy": "metal-allergy",
    "varicose": "varicose-veins",
    "aneurysm": "aneurysm",
    "steroid-injection": "recent-injection",
    "swollen-calf": "calf-swelling-warmth",
    "fragility": "osteoporosis-or-steroids",
    "hot-joint": "hot-swollen-joint",
}
PRECAUTION_SOURCES = ("apta-dn-2013", "aacp-2012", "brady-2014", "nccih-massage", "batavia-2004")

LEVEL_ORDER = {"caution": 1, "avoid": 2}


def _notes(f: Facts) -> list[Note]:
    notes = []
    if f.hurts(CHEST):
        notes.append(
            Note(
                "chest-pain",
                "Chest pain: cardiac and lung causes must have been excluded; relief from "
                "trigger point treatment does not rule them out.",
            )
        )
    if f.hurts(VISCERAL):
        notes.append(
            Note(
                "visceral-area",
                "Abdominal, groin or pelvic pain: make sure visceral, gynaecological and "
                "urological causes have been considered by a doctor.",
            )
        )
    sides = {side for pain in f.p.pain for side in ("left", "right") if pain.side in (side, "bilateral")}
    axial = f.hurts(SPINE | {"sternum", "chest-front"})
    if len(f.regions) >= 8 and sides == {"left", "right"} and axial:
        notes.append(
            Note(
                "widespread-pain",
                "Widespread pain on both sides, above and below the waist: consider "
                "fibromyalgia or an inflammatory condition, not only myofascial pain.",
            )
        )
    if "fibromyalgia-diagnosis" in f.yes:
        notes.append(
            Note(
                "fibromyalgia-diagnosis",
                "Diagnosed fibromyalgia: expect widespread tenderness; start with light pressure and short sessions.",
            )
        )
    return notes


def screen(p: Presentation, *, guarded: bool = True) -> Screen:
    """Run every red-flag rule and precaution on a presentation.

    ``guarded=False`` runs every rule's test even where its ``NEEDS`` are absent (the answer is
    the same: the tests use it to prove so).
    """
    f = Facts(p)
    reasons: list[Reason] = []
    present = f.yes | f._possible
    for rule, needs in GUARDED:
        if guarded and needs is not None and needs.isdisjoint(present):
            continue
        hits = rule.test(f)
        if not hits:
            continue
        # A higher rule on the same ground already fired: keep the reason list short.
        if rule.urgency == "routine" and any(r.urgency != "routine" and r.code == hits[0][0] for r in reasons):
            continue
        code = next((c for c, _ in hits if c not in ("pain", "age", "red-flag")), hits[0][0])
        quoted = [w for c, w in hits if c == "history"]
        message = rule.message + (f" (said: {', '.join(dict.fromkeys(quoted))})" if quoted else "")
        reasons.append(Reason(code=code, message=message, urgency=rule.urgency, rule=rule.rule, sources=rule.sources))
    urgency = max((r.urgency for r in reasons), key=URGENCY_ORDER.__getitem__, default="none")
    reasons.sort(key=lambda r: -URGENCY_ORDER[r.urgency])

    # In the table's order, not the answers' set order (which changes from one process to the next).
    triggers: dict[str, str] = {code: "" for code in PRECAUTIONS if code in f.yes}
    for name, code in PRECAUTION_WORDS.items():
        found = f.said(name)
        if found and code not in triggers:
            triggers[code] = f" (said: “{found}”)"
    chosen: dict[str, Precaution] = {}
    for code, quote in triggers.items():
        for technique, level, reason in PRECAUTIONS[code]:
            current = chosen.get(technique)
            if current is None or LEVEL_ORDER[level] > LEVEL_ORDER[current.level]:
                chosen[technique] = Precaution(technique, level, reason + quote, code)
            elif LEVEL_ORDER[level] == LEVEL_ORDER[current.level] and reason not in current.reason:
                chosen[technique] = Precaution(technique, level, f"{current.reason}; {reason}{quote}", current.code)
    order = list(vocab.techniques())
    precautions = sorted(chosen.values(), key=lambda p: (-LEVEL_ORDER[p.level], order.index(p.technique)))
    return Screen(urgency=urgency, reasons=tuple(reasons), precautions=tuple(precautions), notes=tuple(_notes(f)))
