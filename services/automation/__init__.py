"""Marketing automation (issue 15): rules with on/off and parameters, and the jobs that send through
broadcast delivery, each once per its rule (see models/automation.py).

    rules.py  kinds, defaults, validation, /automation's use cases (admins, audited)
    jobs.py   birthday, win-back and review-request runs
    personal.py  the personalised coupon: a threshold just above the member's median basket
    (the /stats figures: services/stats.automation_section)
"""

from services.automation.jobs import run, run_due
from services.automation.rules import CONVERSION_DAYS, KINDS, MARKETING, SERVICE, Rule, load, overview, set_param, toggle

__all__ = ["CONVERSION_DAYS", "KINDS", "MARKETING", "SERVICE", "Rule", "load", "overview", "run", "run_due",
           "set_param", "toggle"]
