"""References for the plan's rules, by key. Each rule in ``rules.py`` names its sources.

Keys of ``knotwork.assess.sources.SOURCES`` (the safety screen's references) may be named too:
``citation(key)`` looks in both.
"""

from __future__ import annotations

SOURCES: dict[str, str] = {
    "farrar-2001": (
        "Farrar JT, Young JP Jr, LaMoreaux L, Werth JL, Poole RM. Clinical importance of changes in chronic pain "
        "intensity measured on an 11-point numerical pain rating scale. Pain. 2001;94(2):149-158. "
        "doi:10.1016/S0304-3959(01)00349-9"
    ),
    "sherman-2014": (
        "Sherman KJ, Cook AJ, Wellman RD, et al. Five-week outcomes from a dosing trial of therapeutic massage for "
        "chronic neck pain. Ann Fam Med. 2014;12(2):112-120. doi:10.1370/afm.1602"
    ),
    "de-meulemeester-2017": (
        "De Meulemeester KE, Castelein B, Coppieters I, Barbe T, Cools A, Cagnie B. Comparing trigger point dry "
        "needling and manual pressure technique for the management of myofascial neck/shoulder pain: a randomized "
        "clinical trial. J Manipulative Physiol Ther. 2017;40(1):11-20. doi:10.1016/j.jmpt.2016.10.008"
    ),
    "ic-meta-2022": (
        "Lu W, Li J, Tian Y, Lu X. Effect of ischemic compression on myofascial pain syndrome: a systematic review "
        "and meta-analysis. Chiropr Man Therap. 2022. doi:10.1186/s12998-022-00441-5 (the trial protocols ranged "
        "from one session a week to three a week, for about four weeks)"
    ),
    "laimi-2018": (
        "Laimi K, Mäkilä A, Bärlund E, et al. Effectiveness of myofascial release in treatment of chronic "
        "musculoskeletal pain: a systematic review. Clin Rehabil. 2018;32(4):440-450. doi:10.1177/0269215517732820"
    ),
    "dn-48h-2016": (
        "Clinical effectiveness of dry needling immediately after application on myofascial trigger point in upper "
        "trapezius muscle. J Chiropr Med. 2016;15(4):252-258. doi:10.1016/j.jcm.2016.08.009 "
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC5106437"
    ),
    "post-needling-soreness-2018": (
        "Martín-Pintado-Zugasti A, Mayoral del Moral O, Gerwin RD, Fernández-Carnero J. Post-needling soreness "
        "after myofascial trigger point dry needling: current status and future research. J Bodyw Mov Ther. "
        "2018;22(4):941-946. doi:10.1016/j.jbmt.2018.01.003"
    ),
    "abbott-schmitt-2014": (
        "Abbott JH, Schmitt J. Minimum important differences for the Patient-Specific Functional Scale, 4 "
        "region-specific outcome measures, and the Numeric Pain Rating Scale. J Orthop Sports Phys Ther. "
        "2014;44(8):560-564. doi:10.2519/jospt.2014.5248"
    ),
    "cleland-2008": (
        "Cleland JA, Childs JD, Whitman JM. Psychometric properties of the Neck Disability Index and Numeric Pain "
        "Rating Scale in patients with mechanical neck pain. Arch Phys Med Rehabil. 2008;89(1):69-74. "
        "doi:10.1016/j.apmr.2007.08.126"
    ),
    "ostelo-2008": (
        "Ostelo RW, Deyo RA, Stratford P, et al. Interpreting change scores for pain and functional status in low "
        "back pain: towards international consensus regarding minimal important change. Spine. 2008;33(1):90-94. "
        "doi:10.1097/BRS.0b013e31815e3a10"
    ),
    "castien-2012": (
        "Castien RF, Blankenstein AH, van der Windt DA, Dekker J. Minimal clinically important change on the "
        "Headache Impact Test-6 questionnaire in patients with chronic tension-type headache. Cephalalgia. "
        "2012;32(9):710-714. doi:10.1177/0333102412449933"
    ),
    "walton-2011": (
        "Walton DM, MacDermid JC, Nielson W, Teasell RW, Chiasson M, Brown L. Reliability, standard error, and "
        "minimum detectable change of clinical pressure pain threshold testing in people with and without acute "
        "neck pain. J Orthop Sports Phys Ther. 2011;41(9):644-650. doi:10.2519/jospt.2011.3666"
    ),
    "garrison-2020": (
        "Garrison SR, Korownyk CS, Kolber MR, et al. Magnesium for skeletal muscle cramps. Cochrane Database Syst "
        "Rev. 2020;9:CD009402. doi:10.1002/14651858.CD009402.pub3"
    ),
    "wiltshire-2010": (
        "Wiltshire EV, Poitras V, Pak M, Hong T, Rayner J, Tschakovsky ME. Massage impairs postexercise muscle "
        'blood flow and "lactic acid" removal. Med Sci Sports Exerc. 2010;42(6):1062-1071. '
        "doi:10.1249/MSS.0b013e3181c9214f"
    ),
    "eatwell-2016": "Public Health England. The Eatwell Guide. London: Public Health England; 2016.",
    "knotwork-expert-opinion": (
        "Knotwork's own rule, written from usual clinical practice where no trial compares schedules: expert "
        "opinion, to be set by each clinic."
    ),
}


def citation(key: str) -> str:
    """The full reference for a key of this table or of the safety screen's table."""
    if key in SOURCES:
        return SOURCES[key]
    from knotwork.assess.sources import SOURCES as SCREEN_SOURCES

    return SCREEN_SOURCES[key]
