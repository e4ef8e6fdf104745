"""Our own labelled message sets in this folder, by what they are labelled for.

One list for the tests (test_matching.py) and for `scripts/eval_questions.py` (calibration), so a new set is
added in one place.
"""

#: Labelled like the shared dev set (topic or abstention, and urgency), each written by a different author who
#: never saw the pathway's phrasings. In the order they were written: calibration splits them in this order.
GENERAL = (
    "examples", "holdout", "unseen", "unseen2", "older_patients", "caregivers", "nurse", "phone_writers",
    "five_writers", "clinical_words", "five_more_writers", "second_language_and_family",
    "dictation_and_comparisons", "two_questions_and_texting", "comparisons_and_short_messages",
    "formal_and_mixed_up_terms", "retirees_and_journey_order", "anxious_busy_and_search_style",
    "conditions_and_myths", "families_far_away_and_vague", "everyday_words_and_professionals",
    "rural_comparisons_and_yes_no", "long_emails_recovery_and_skeptics", "terse_dictation_and_elderly",
    "start_of_journey_and_indirect", "jokes_procedure_day_and_checkups",
    "emotional_care_homes_and_second_language", "requests_leaflet_and_several_questions",
    "working_previous_treatments_and_spouses", "night_typos_and_single_words",
    "search_style_facts_and_grandparents", "fears_adult_children_and_repeats",
    "half_understood_busy_and_long_stories", "downplayers_others_and_hard_of_hearing",
    "neighbours_surgery_voice_typing_and_work", "polite_pensioners_southern_and_grandchildren",
    "recovery_diaries_early_steps_and_mixed_questions", "understaters_statements_and_one_liners",
    "clinicians_forums_and_frustrated", "world_englishes_capitals_and_other_treatments",
    "logistics_sceptics_and_the_very_old", "we_writers_texting_and_long_feelings",
    "aussie_irish_rumours_and_wrong_names", "farmers_night_shifts_and_body_words",
    "readers_apologisers_and_many_names", "families_second_language_and_helpers",
    "texters_recovery_checkins_and_cross", "veterans_other_spine_procedures_and_hearsay",
    "voice_typing_accessibility_and_mixed_stages", "short_english_active_retirees_and_yes_no",
    "referrals_long_stories_shorthand_and_night_before", "long_drives_sceptics_run_ons_and_grandparent_carers",
    "other_conditions_we_writers_thanks_and_order", "grandchildren_metaphors_regions_and_letter_words",
    "months_later_other_clinics_hints_and_materials", "shift_workers_descriptions_several_questions_and_chances",
    "long_waits_reassurance_caribbean_and_african_english", "engineers_keywords_the_day_and_misremembered",
    "very_old_open_surgery_friends_memory_and_greetings", "pharmacy_shorthand_and_spouses_typing",
    "emails_other_conditions_and_gym_goers", "indian_filipino_nigerian_teachers_and_gp_quotes",
    "diaries_half_remembered_terms_and_materials", "night_owls_former_nurses_and_two_part_questions",
    "scottish_welsh_northern_workers_and_own_step_names", "very_short_online_comparisons_and_dementia_carers",
    "spanish_polish_english_mechanisms_and_journey_stage", "months_after_run_ons_and_will_you",
    "american_south_veterans_and_plumbing_metaphors", "grandchildren_numbers_and_right_clinic",
    "complaints_first_southern_african_english_and_search_terms", "not_yet_candidates_report_extracts_and_garden_news",
    "morning_of_needle_camera_words_canada_new_zealand", "we_partners_phonetic_spelling_and_is_it_true",
    "tired_of_treatments_calendars_and_thank_yous", "polite_indirect_staying_with_relatives_and_other_procedures",
    "one_finger_typing_why_questions_and_children_abroad", "outdoor_workers_symptom_stories_and_reminder_replies",
    "online_readers_irish_australian_and_who_does_what", "leaflet_lines_living_alone_and_capitals",
    "yes_no_reasons_arabic_vietnamese_portuguese_and_clinicians", "sceptics_walking_distances_and_hour_by_hour",
    "text_speak_quick_questions_and_odd_body_words", "stories_first_hips_and_arthritis_and_work_shorthand",
    "voice_typing_caribbean_west_african_and_am_i_right", "needle_fear_support_workers_and_what_now",
    "athletes_dancers_nhs_words_and_fragments",
)

#: Urgent messages and look-alikes that are not (denied, asked about, over, chronic, idioms); only urgency is
#: labelled.
RED_FLAGS = (
    "redflags_r", "redflags_r2", "redflags_r3", "redflags_r4", "redflags_r5", "redflags_r6", "redflags_r7",
    "redflags_r8", "redflags_r9", "redflags_r10", "redflags_r11", "redflags_r12", "redflags_r13", "redflags_r14",
    "redflags_r15", "redflags_r16", "redflags_r17", "redflags_r18", "redflags_r19", "redflags_r20", "redflags_r21",
    "redflags_r22", "redflags_r23", "redflags_r24", "redflags_r25", "redflags_r26", "redflags_r27",
)

#: Adversarial reviews of the red-flag word rules (only urgency is labelled), with the share of their urgent
#: messages the rules may miss (see test_matching.test_an_adversarial_review_of_the_rules).
REVIEWS = {
    "redflags_review": 0.05,
    "redflags_review2": 0.05,
    "redflags_review3": 0.3,
    "redflags_review4": 0.15,
    "redflags_review5": 0.3,
    "redflags_review6": 0.05,
    "redflags_review7": 0.05,
    "redflags_review8": 0.05,
    "redflags_review9": 0.1,
    "redflags_review10": 0.05,
    "redflags_review11": 0.05,
    "redflags_review12": 0.05,
    "redflags_review13": 0.05,
    "redflags_review14": 0.05,
}
