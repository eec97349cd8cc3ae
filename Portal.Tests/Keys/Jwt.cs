using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Portal.Tests.Keys;

/// <summary>Reads and forges compact JWTs by hand, to check what was signed and to build attacks.</summary>
internal static class Jwt
{
    public static JsonObject Header(string token) => Part(token, 0);
    public static JsonObject Payload(string token) => Part(token, 1);

    public static string Encode(JsonObject json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));

    /// <summary>The token with its payload replaced and its original signature kept.</summary>
    public static string WithPayload(string token, JsonObject payload)
    {
        var parts = token.Split('.');
        return $"{parts[0]}.{Encode(payload)}.{parts[2]}";
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with the given payload, the shape of the classic downgrade attack.</summary>
    public static string Unsigned(string kid, JsonObject payload) =>
        $"{Encode(new JsonObject { ["alg"] = "none", ["typ"] = "license+jwt", ["kid"] = kid })}.{Encode(payload)}.";

    /// <summary>An HS256 token whose HMAC secret is public: the algorithm-confusion attack.</summary>
    public static string Hs256(string kid, JsonObject payload, byte[] secret)
    {
        var signingInput = $"{Encode(new JsonObject { ["alg"] = "HS256", ["typ"] = "license+jwt", ["kid"] = kid })}.{Encode(payload)}";
        var mac = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64Url.EncodeToString(mac)}";
    }

    private static JsonObject Part(string token, int index) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[index]))!.AsObject();
}
