from tests.report_world import world  # noqa: F401 (fixture)
