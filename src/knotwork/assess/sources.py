"""References for the safety screen's rules, by key. Each rule in ``safety.py`` names its sources."""

from __future__ import annotations

SOURCES: dict[str, str] = {
    "ifompt-spine-2020": (
        "Finucane LM, Downie A, Mercer C, et al. International Framework for Red Flags for Potential Serious "
        "Spinal Pathologies. J Orthop Sports Phys Ther. 2020;50(7):350-372. doi:10.2519/jospt.2020.9971"
    ),
    "ifompt-cervical-2023": (
        "Rushton A, Carlesso LC, Flynn T, et al. International Framework for Examination of the Cervical Region "
        "for Potential of Vascular Pathologies of the Neck Prior to Musculoskeletal Intervention: International "
        "IFOMPT Cervical Framework. J Orthop Sports Phys Ther. 2023;53(1):7-22. doi:10.2519/jospt.2022.11147"
    ),
    "snnoop10-2019": (
        "Do TP, Remmers A, Schytz HW, et al. Red and orange flags for secondary headaches in clinical practice: "
        "SNNOOP10 list. Neurology. 2019;92(3):134-144. doi:10.1212/WNL.0000000000006697"
    ),
    "bsr-gca-2020": (
        "Mackie SL, Dejaco C, Appenzeller S, et al. British Society for Rheumatology guideline on diagnosis and "
        "treatment of giant cell arteritis. Rheumatology (Oxford). 2020;59(3):e1-e23. doi:10.1093/rheumatology/kez672"
    ),
    "nice-cg95": (
        "National Institute for Health and Care Excellence. Recent-onset chest pain of suspected cardiac origin: "
        "assessment and diagnosis (CG95). London: NICE; 2010, updated 2016."
    ),
    "nice-ng158": (
        "National Institute for Health and Care Excellence. Venous thromboembolic diseases: diagnosis, management "
        "and thrombophilia testing (NG158). London: NICE; 2020, updated 2023."
    ),
    "nice-ng12": (
        "National Institute for Health and Care Excellence. Suspected cancer: recognition and referral (NG12). "
        "London: NICE; 2015, updated 2023."
    ),
    "nice-ng59": (
        "National Institute for Health and Care Excellence. Low back pain and sciatica in over 16s: assessment "
        "and management (NG59). London: NICE; 2016, updated 2020."
    ),
    "canadian-c-spine-2001": (
        "Stiell IG, Wells GA, Vandemheen KL, et al. The Canadian C-spine rule for radiography in alert and stable "
        "trauma patients. JAMA. 2001;286(15):1841-1848. doi:10.1001/jama.286.15.1841"
    ),
    "bsr-septic-arthritis-2006": (
        "Coakley G, Mathews C, Field M, et al. BSR & BHPR, BOA, RCGP and BSAC guidelines for management of the hot "
        "swollen joint in adults. Rheumatology (Oxford). 2006;45(8):1039-1041. doi:10.1093/rheumatology/kel163a"
    ),
    "apta-dn-2013": (
        "American Physical Therapy Association. Description of Dry Needling in Clinical Practice: An Educational "
        "Resource Paper. Alexandria, VA: APTA Public Policy, Practice, and Professional Affairs Unit; 2013."
    ),
    "aacp-2012": (
        "Acupuncture Association of Chartered Physiotherapists. Guidelines for Safe Practice, version 2. AACP; "
        "2012 (with its erratum on needling in pregnancy)."
    ),
    "brady-2014": (
        "Brady S, McEvoy J, Dommerholt J, Doody C. Adverse events following trigger point dry needling: a "
        "prospective survey of chartered physiotherapists. J Man Manip Ther. 2014;22(3):134-140. "
        "doi:10.1179/2042618613Y.0000000044"
    ),
    "nccih-massage": (
        "National Center for Complementary and Integrative Health. Massage therapy: what you need to know. "
        "NCCIH, National Institutes of Health; 2019. https://www.nccih.nih.gov/health/massage-therapy-what-you-need-to-know"
    ),
    "batavia-2004": (
        "Batavia M. Contraindications for superficial heat and therapeutic ultrasound: do sources agree? Arch "
        "Phys Med Rehabil. 2004;85(6):1006-1012."
    ),
    "bsr-pmr-2010": (
        "Dasgupta B, Borg FA, Hassan N, et al. BSR and BHPR guidelines for the management of polymyalgia "
        "rheumatica. Rheumatology (Oxford). 2010;49(1):186-190."
    ),
    "nice-ng65": (
        "National Institute for Health and Care Excellence. Spondyloarthritis in over 16s: diagnosis and "
        "management (NG65). London: NICE; 2017 (referral criteria for suspected axial spondyloarthritis)."
    ),
    "uedvt-exercise-2006": (
        "Exercise-induced deep vein thrombosis of the upper extremity. 1. Literature review. Acta Haematol. "
        "2006;115(3-4):214-220. doi:10.1159/000090938"
    ),
    "bmj-renal-colic-2012": (
        "Bultitude M, Rees J. Management of renal colic. BMJ. 2012;345:e5499. doi:10.1136/bmj.e5499"
    ),
    "nice-cg147": (
        "National Institute for Health and Care Excellence. Peripheral arterial disease: diagnosis and management "
        "(CG147). London: NICE; 2012, updated 2020."
    ),
    "nuh-sarcoma-gp": (
        "Nottingham University Hospitals NHS Trust. Sarcoma: information for GPs (urgent X-ray within 14 days for "
        "adults with increasing, unexplained or persistent bone pain or an unexplained limp, after NICE NG12). "
        "https://www.nuh.nhs.uk/information-for-gps"
    ),
    "robertson-wood-2017": (
        "Robertson GAJ, Wood AM. Femoral neck stress fractures in sport: a current concepts review. Sports Med "
        "Int Open. 2017;1(2):E58-E68."
    ),
    "downie-2013": (
        "Downie A, Williams CM, Henschke N, et al. Red flags to screen for malignancy and fracture in patients "
        "with low back pain: systematic review. BMJ. 2013;347:f7095. doi:10.1136/bmj.f7095"
    ),
    "nice-ng73": (
        "National Institute for Health and Care Excellence. Endometriosis: diagnosis and management (NG73). "
        "London: NICE; 2017, updated 2024."
    ),
    "nye-2021-exertional-rhabdomyolysis": (
        "Nye NS, Kasper K, Madsen CM, et al. Clinical practice guidelines for exertional rhabdomyolysis: a "
        "military medicine perspective. Curr Sports Med Rep. 2021;20(3):169-178. doi:10.1249/JSR.0000000000000822"
    ),
    "stiell-ottawa-ankle-1993": (
        "Stiell IG, Greenberg GH, McKnight RD, et al. Decision rules for the use of radiography in acute ankle "
        "injuries: refinement and prospective validation. JAMA. 1993;269(9):1127-1132."
    ),
    "stiell-ottawa-knee-1996": (
        "Stiell IG, Greenberg GH, Wells GA, et al. Prospective validation of a decision rule for the use of "
        "radiography in acute knee injuries. JAMA. 1996;275(8):611-615. doi:10.1001/jama.1996.03530320035031"
    ),
}
