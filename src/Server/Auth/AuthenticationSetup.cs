using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Customers.Server.Auth;

public static class AuthenticationSetup
{
    /// <summary>Registers the Bearer JWT scheme when <see cref="JwtBearerModeOptions"/> is configured; nothing otherwise.</summary>
    public static IServiceCollection AddCustomersAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var jwt = configuration.GetSection(JwtBearerModeOptions.Section).Get<JwtBearerModeOptions>() ?? new JwtBearerModeOptions();
        services.AddSingleton(jwt);
        if (!jwt.IsConfigured)
        {
            return services;
        }

        services.AddAuthentication().AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            options.MapInboundClaims = false; // Keep "roles" as "roles".
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidIssuer = jwt.Issuer,
                ValidateAudience = jwt.Audience is not null,
                ValidAudience = jwt.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                ValidateIssuerSigningKey = true,
                IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.SigningKey!)),
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                RoleClaimType = jwt.RolesClaim,
            };
        });
        return services;
    }
}
