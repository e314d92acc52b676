using System.Text.Json;
using Customers.ContractRules;
using Customers.Server.Contract;

namespace Customers.Server.Tests.ContractRules;

/// <summary>
/// The shared request rules over rows the contract does not have yet (a number, boolean, array or
/// object field; a required query parameter). The rules are read from the generated table, so such
/// a row needs no code: these say the code already answers it with the error a caller would read.
/// The rows the contract has are judged through HTTP (RequestValidationTests, Usernames/RequestRuleTests).
/// </summary>
public sealed class RequestRulesTableTests
{
    private static BodyRule Schema(params FieldRule[] fields) => new("Sample", fields, false);

    private static FieldRule Field(string name, string type, bool required = false) => new(name, type, required, false, null, null, null, null);

    private static FieldRule Text(string name, int? minLength = null, int? maxLength = null, string? pattern = null) => new(name, "string", false, false, minLength, maxLength, pattern, null);

    private static IReadOnlyList<RuleBreak> Check(BodyRule schema, string json)
    {
        using var document = JsonDocument.Parse(json);
        return RequestRules.Body(schema, document.RootElement);
    }

    [Theory]
    [InlineData("integer", """{"value":"3"}""", "value must be a number.")]
    [InlineData("number", """{"value":true}""", "value must be a number.")]
    [InlineData("boolean", """{"value":"true"}""", "value must be true or false.")]
    [InlineData("boolean", """{"value":0}""", "value must be true or false.")]
    [InlineData("array", """{"value":{}}""", "value must be an array.")]
    [InlineData("object", """{"value":[]}""", "value must be an object.")]
    [InlineData("string", """{"value":1}""", "value must be a string.")]
    public void A_field_of_the_wrong_json_type_names_the_type_its_schema_wants(string type, string json, string message)
    {
        var broken = Assert.Single(Check(Schema(Field("value", type)), json));

        Assert.Equal((ErrorCodes.InvalidFieldType, "body.value", message), (broken.Error.Code, broken.Ref, broken.Message));
    }

    [Theory]
    [InlineData("integer", """{"value":3}""")]
    [InlineData("number", """{"value":2.5}""")]
    [InlineData("boolean", """{"value":true}""")]
    [InlineData("boolean", """{"value":false}""")]
    [InlineData("array", """{"value":[1]}""")]
    [InlineData("object", """{"value":{"a":1}}""")]
    [InlineData("integer", """{"value":null}""")]
    public void A_field_of_its_json_type_passes(string type, string json)
    {
        Assert.Empty(Check(Schema(Field("value", type, required: type != "integer")), json));
    }

    [Fact]
    public void Only_the_first_field_of_the_wrong_type_is_reported()
    {
        var broken = Assert.Single(Check(Schema(Field("a", "integer"), Field("b", "boolean")), """{"a":"x","b":"y"}"""));

        Assert.Equal("body.a", broken.Ref);
    }

    [Fact]
    public void A_required_parameter_that_is_absent_is_refused()
    {
        var broken = RequestRules.Parameter(new ParameterRule("cursor", "query", true, null, null, null, null), null);

        Assert.NotNull(broken);
        Assert.Equal((ErrorCodes.InvalidParameter, "query.cursor", "cursor is required."), (broken.Error.Code, broken.Ref, broken.Message));
    }

    [Fact]
    public void A_parameter_name_keeps_its_case_outside_headers_and_is_lower_case_in_headers()
    {
        var query = RequestRules.Parameter(new ParameterRule("Cursor", "query", false, null, 3, null, null), "abcd");
        var header = RequestRules.Parameter(new ParameterRule("X-Cursor", "header", false, null, 3, null, null), "abcd");

        Assert.Equal(("query.Cursor", "Cursor must be at most 3 characters; it has 4."), (query!.Ref, query.Message));
        Assert.Equal(("header.x-cursor", "x-cursor must be at most 3 characters; it has 4."), (header!.Ref, header.Message));
    }

    [Fact]
    public void An_unknown_field_lists_every_field_of_the_schema()
    {
        var broken = Assert.Single(Check(Schema(Text("a"), Text("b")), """{"c":"x"}"""));

        Assert.Equal((ErrorCodes.UnknownField, "body.c", "c is not a field of this request; expected only: a, b."), (broken.Error.Code, broken.Ref, broken.Message));
    }

    [Fact]
    public void Every_broken_field_is_reported_in_schema_order()
    {
        var broken = Check(Schema(Text("a", maxLength: 1), Text("b", maxLength: 1)), """{"b":"yy","a":"xx"}""");

        Assert.Equal(["body.a", "body.b"], broken.Select(b => b.Ref));
    }

    [Theory]
    [InlineData(null, 2, "xyz", "FIELD_TOO_LONG", "value must be at most 2 characters; it has 3.")]
    [InlineData(2, null, "x", "FIELD_TOO_SHORT", "value must be at least 2 characters; it has 1.")]
    [InlineData(1, null, "", "FIELD_TOO_SHORT", "value must be at least 1 character; it has 0.")]
    public void A_length_rule_with_one_bound_is_checked(int? minLength, int? maxLength, string text, string code, string message)
    {
        var broken = Assert.Single(Check(Schema(Text("value", minLength, maxLength)), JsonSerializer.Serialize(new { value = text })));

        Assert.Equal((code, "body.value", message), (broken.Error.Code, broken.Ref, broken.Message));
    }

    [Theory]
    [InlineData(null, "x")] // no pattern
    [InlineData("^a+$", "")] // an empty value is the length rule's
    [InlineData("[a-z]+", "abc")]
    public void A_value_without_a_pattern_rule_to_break_passes(string? pattern, string text)
    {
        Assert.Empty(Check(Schema(Text("value", pattern: pattern)), JsonSerializer.Serialize(new { value = text })));
    }

    [Theory]
    [InlineData("[a-z]+", "abc1")] // the match is a prefix
    [InlineData("[a-z]+", "1abc")] // the match is inside
    public void An_unanchored_pattern_must_match_the_whole_value(string pattern, string text)
    {
        var broken = Assert.Single(Check(Schema(Text("value", pattern: pattern)), JsonSerializer.Serialize(new { value = text })));

        Assert.Equal((ErrorCodes.InvalidFieldFormat, $"value does not match the pattern {pattern}."), (broken.Error.Code, broken.Message));
    }

    [Fact]
    public void A_schema_that_allows_other_fields_checks_its_own_and_lets_the_others_pass()
    {
        var schema = new BodyRule("Open", [Field("value", "integer")], true);

        Assert.Empty(Check(schema, """{"extra":"x","value":3}"""));
        var broken = Assert.Single(Check(schema, """{"extra":"x","value":"3"}"""));
        Assert.Equal((ErrorCodes.InvalidFieldType, "body.value", "value must be a number."), (broken.Error.Code, broken.Ref, broken.Message));
    }
}
