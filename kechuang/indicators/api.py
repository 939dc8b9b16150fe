"""``/api/v1/indicators/``: indicator values as the engine gives them (``Result.as_json``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import params
from .rules import VIEW_INDICATORS


class CanViewIndicators(BasePermission):
    message = (
        "只有局机关和镇街道工作人员可查看指标 (only bureau and town staff may see indicators)."
    )

    def has_permission(self, request, view):
        return request.user.has_perm(VIEW_INDICATORS)


# Serializers that only describe the answer for the schema; the answer itself is as_json().
class IndicatorRecordSerializer(serializers.Serializer):
    pk = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField(
        required=False, allow_null=True, help_text="The record's page, when it has one."
    )
    amount = serializers.FloatField(
        required=False, help_text="Sum indicators: the record's amount in the indicator's unit."
    )


class IndicatorValueSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Stable id, e.g. rd.hosts_in_force.")
    name = serializers.CharField(help_text="Name in the request's language.")
    unit = serializers.CharField(help_text="Unit in the request's language (may be empty).")
    as_of = serializers.DateField()
    value = serializers.JSONField(
        help_text="A number (count or sum in the unit); attribute indicators: their record count."
    )
    breakdown = serializers.DictField(
        child=serializers.JSONField(),
        help_text='Breakdown key → value; keys of a dimension and a part combine as "zjut.phd".',
    )
    years = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        min_length=2,
        max_length=2,
        help_text="Year-range indicators: [first year, last year].",
    )
    self_reported = serializers.BooleanField(
        required=False, help_text="Present (true) when the figure is reported, not computed."
    )
    numerator = serializers.IntegerField(
        required=False, help_text="Share indicators: the records meeting the share's condition."
    )
    denominator = serializers.IntegerField(
        required=False, help_text="Share indicators: all the records the share is taken of."
    )
    breakdown_fractions = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2),
        required=False,
        help_text="Share indicators: breakdown key → [numerator, denominator].",
    )
    records = IndicatorRecordSerializer(
        many=True, required=False, help_text="drill=1: the records behind the value."
    )
    breakdown_records = serializers.DictField(
        child=serializers.ListField(child=IndicatorRecordSerializer()),
        required=False,
        help_text="drill=1: the records behind each breakdown key.",
    )


class IndicatorErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="The date the figures are for (YYYY-MM-DD); today by default. Year indicators "
    "take its calendar year.",
)
DRILL = OpenApiParameter(
    "drill",
    OpenApiTypes.BOOL,
    description="1: also list the records behind each value and each breakdown key.",
)
FIRST_YEAR = OpenApiParameter(
    "first_year",
    OpenApiTypes.INT,
    description="Year-range indicators: the first year (default: the indicator's span ending "
    "with the year of as_of).",
)
IDS = OpenApiParameter(
    "id",
    OpenApiTypes.STR,
    many=True,
    explode=True,
    description="Indicator ids, repeated or comma-separated; all indicators when omitted.",
)
ERRORS = {
    400: OpenApiResponse(IndicatorErrorSerializer, description="A bad parameter."),
    403: OpenApiResponse(IndicatorErrorSerializer, description="Not bureau or town staff."),
}


class IndicatorAPIView(APIView):
    permission_classes = [IsAuthenticated, CanViewIndicators]

    def query(self, request):
        try:
            as_of = params.as_of_from(request.query_params.get("as_of"))
            first_year = params.first_year_from(request.query_params.get("first_year"), as_of)
        except params.BadParameter as error:
            raise exceptions.ParseError(str(error)) from None
        return as_of, params.flag(request.query_params.get("drill")), first_year


class IndicatorListView(IndicatorAPIView):
    @extend_schema(
        operation_id="indicators_list",
        summary="Indicator values",
        description="Every indicator (or those named by id) computed from the records for "
        "the as-of date, with its breakdown.",
        parameters=[AS_OF, IDS, DRILL, FIRST_YEAR],
        responses={200: IndicatorValueSerializer(many=True), **ERRORS},
        tags=["indicators"],
    )
    def get(self, request):
        as_of, drill, first_year = self.query(request)
        try:
            chosen = params.indicators_from(request.query_params.getlist("id"))
        except params.UnknownIndicator as error:
            raise exceptions.ParseError(str(error)) from None
        return Response(
            [params.evaluate(i, as_of, drill, first_year, request.user).as_json() for i in chosen]
        )


class IndicatorDetailView(IndicatorAPIView):
    @extend_schema(
        operation_id="indicators_retrieve",
        summary="One indicator's value",
        parameters=[AS_OF, DRILL, FIRST_YEAR],
        responses={
            200: IndicatorValueSerializer,
            404: OpenApiResponse(IndicatorErrorSerializer, description="Unknown indicator."),
            **ERRORS,
        },
        tags=["indicators"],
    )
    def get(self, request, indicator_id: str):
        as_of, drill, first_year = self.query(request)
        try:
            indicator = params.indicator(indicator_id)
        except params.UnknownIndicator as error:
            raise exceptions.NotFound(str(error)) from None
        return Response(
            params.evaluate(indicator, as_of, drill, first_year, request.user).as_json()
        )
