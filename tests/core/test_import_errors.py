"""A refusal of an area's rule (``DomainError``) raised while a row is read lands on the row,
under the column of the field it names — as a bad cell's ``RowError`` does."""

from kechuang.core.domain.errors import DomainError
from kechuang.core.domain.imports import Column, Importer, RowError


class Budget(Importer):
    columns = [Column("年度", "year", "Year"), Column("金额(万元)", "amount", "Amount")]

    def parse_row(self, values, raw):
        if values["amount"] == "x":
            raise RowError("金额(万元)", "不是数字")
        if values["year"] < "2000":
            raise DomainError("年度早于预算制度", field="year")
        if values["amount"] == "0":
            raise DomainError("预算不能为零")
        return values


def test_row_errors_and_domain_errors_name_row_and_column():
    cells = [
        ["年度", "金额(万元)"],
        ["2020", "12"],
        ["2020", "x"],
        ["1999", "5"],
        ["2021", "0"],
    ]
    result = Budget(user=None).parse(cells)
    assert [(e["row"], e["column"], e["message"]) for e in result.errors] == [
        (3, "金额(万元)", "不是数字"),
        (4, "年度", "年度早于预算制度"),
        (5, "", "预算不能为零"),
    ]
    assert [row.number for row in result.rows] == [2]
    assert isinstance(RowError("年度", "x"), DomainError)
