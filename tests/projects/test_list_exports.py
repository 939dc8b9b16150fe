"""The calls list and the acceptance meetings list export exactly the filtered list (in the
list's order), audited; only who may export plan projects sees the button and downloads."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.core.enums import CodeList
from kechuang.projects.enums import Aggregation, Category, Field
from kechuang.projects.models import AcceptanceMeeting, MeetingSession, PanelMember
from tests.factories import CodeItemFactory, OrganisationFactory

from .factories import CallFactory, ExpertFactory, ProjectWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    return ProjectWorld(make_user)


def rows_of(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def at(year, month, day, hour=9):
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def test_the_calls_list_exports_exactly_the_filtered_list(client, world):
    programme = CodeItemFactory(
        code_list=CodeList.PROJECT_PROGRAMME, code="export-test", name="导出测试专项"
    )
    first = CallFactory(
        code="2019-export-1",
        year=2019,
        batch=1,
        name="2019年第一批导出测试",
        category=Category.KEY,
        field=Field.INDUSTRY,
        programme=programme,
        opens_at=at(2019, 3, 1),
        closes_at=at(2019, 4, 1, 17),
        reviewers_per_application=3,
        aggregation=Aggregation.MEAN,
        children=False,
    )
    second = CallFactory(
        code="2019-export-2",
        year=2019,
        batch=2,
        name="2019年第二批导出测试",
        opens_at=at(2019, 9, 1),
        closes_at=at(2019, 10, 1, 17),
        children=False,
    )
    CallFactory(code="2018-export-1", year=2018, name="2018年导出测试", children=False)
    CallFactory(code="2019-other", year=2019, name="2019年不相干", children=False)
    client.force_login(world.staff)

    page = client.get(reverse("projects:call-list"), {"year": 2019, "q": "导出测试"})
    assert 'data-testid="export"' in page.content.decode()
    rows = rows_of(client.get(reverse("projects:call-export"), {"year": 2019, "q": "导出测试"}))

    assert rows[0] == [
        "计划批次编码",
        "年度",
        "批次",
        "名称",
        "类别",
        "研究领域",
        "专项",
        "开始时间",
        "截止时间",
        "每项申报评审专家数",
        "得分汇总方式",
    ]
    # The list's order (newest batch first), and nothing the filter leaves out.
    assert [row[0] for row in rows[1:]] == [second.code, first.code]
    assert rows[2] == [
        "2019-export-1",
        2019,
        1,
        "2019年第一批导出测试",
        first.get_category_display(),
        first.get_field_display(),
        "导出测试专项",
        dt.datetime(2019, 3, 1, 9),
        dt.datetime(2019, 4, 1, 17),
        3,
        first.get_aggregation_display(),
    ]
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert event.changes["rows"] == 2 and event.changes["filters"]["year"] == "2019"


def test_only_who_may_export_projects_exports_calls(client, world):
    client.force_login(world.applicant)  # sees the calls, exports nothing
    page = client.get(reverse("projects:call-list")).content.decode()
    assert 'data-testid="export"' not in page
    assert client.get(reverse("projects:call-export")).status_code == 403


def meeting(code, name, held_on, **extra):
    return AcceptanceMeeting.objects.create(
        code=code, name=name, year=held_on.year, held_on=held_on, place="三楼会议室", **extra
    )


def test_the_meetings_list_exports_exactly_the_filtered_list(client, world):
    agency = OrganisationFactory(name="导出测试评估中心")
    first = meeting(
        "export-m1", "2020年第一批验收会", dt.date(2020, 5, 1), batch=1, agency=agency, note="备"
    )
    later = meeting("export-m2", "2020年第二批验收会", dt.date(2020, 11, 2))
    meeting("export-m3", "2019年验收会", dt.date(2019, 6, 1))
    meeting("export-m4", "2020年座谈会", dt.date(2020, 7, 1))
    for name in ("上午", "下午"):
        MeetingSession.objects.create(meeting=first, name=name)
    PanelMember.objects.create(meeting=first, expert=ExpertFactory())
    client.force_login(world.leader)

    query = {"year": 2020, "q": "验收会"}
    page = client.get(reverse("projects:meeting-list"), query)
    assert 'data-testid="export"' in page.content.decode()
    rows = rows_of(client.get(reverse("projects:meeting-export"), query))

    assert rows[0] == [
        "编码",
        "名称",
        "年度",
        "年度批次",
        "日期",
        "地点",
        "受托机构统一社会信用代码",
        "受托机构名称",
        "场次",
        "项目数",
        "专家组人数",
        "备注",
    ]
    assert [row[0] for row in rows[1:]] == [later.code, first.code]  # the latest first
    assert rows[2] == [
        "export-m1",
        "2020年第一批验收会",
        2020,
        1,
        dt.date(2020, 5, 1),
        "三楼会议室",
        agency.uscc,
        "导出测试评估中心",
        2,
        0,
        1,
        "备",
    ]
    client.force_login(world.officer)
    assert client.get(reverse("projects:meeting-export")).status_code == 403
