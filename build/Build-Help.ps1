<#
.SYNOPSIS
Builds the module's help: docs/en-US/<Cmdlet>.md (platyPS markdown) -> en-US/NmrInversion.dll-Help.xml (MAML), plus
the about_ topics from module/en-US. Fails when an exported cmdlet or one of its parameters has no help.
#>
[CmdletBinding()]
param(
    [string] $Root = (Split-Path $PSScriptRoot),
    [string] $OutputPath = (Join-Path (Split-Path $PSScriptRoot) 'en-US')
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'HelpMarkdown.psm1') -Force

$pages = @(Get-ChildItem (Join-Path $Root 'docs/en-US') -Filter '*.md' | Where-Object Name -notlike 'about_*' | ConvertFrom-HelpMarkdown)

# The cmdlets and parameters, read from the built module in a child process (the build process stays clean).
$probe = {
    param($Manifest)
    Import-Module $Manifest -Force
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    $map = @{}
    foreach ($c in Get-Command -Module NmrInversion -CommandType Cmdlet) {
        $map[$c.Name] = @($c.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object)
    }
    $map | ConvertTo-Json -Compress
}
$json = & dotnet pwsh -NoProfile -NonInteractive -Command "& { $probe } -Manifest '$(Join-Path $Root 'NmrInversion.psd1')'"
if ($LASTEXITCODE -ne 0) { throw 'Could not list the module''s cmdlets for the help check.' }
$cmdlets = @{}
foreach ($p in ($json | ConvertFrom-Json).PSObject.Properties) { $cmdlets[$p.Name] = @($p.Value) }

$problems = @(Test-HelpCoverage -Help $pages -Cmdlets $cmdlets)
if ($problems.Count) { throw "Help is incomplete:`n  " + ($problems -join "`n  ") }

New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
$pages | Where-Object { $cmdlets.ContainsKey($_.Name) } | ConvertTo-Maml -Path (Join-Path $OutputPath 'NmrInversion.dll-Help.xml')
Copy-Item (Join-Path $Root 'module/en-US/*.help.txt') $OutputPath -Force
Write-Host "Help: $($pages.Count) cmdlet pages -> $OutputPath" -ForegroundColor DarkGray
