# The package build.ps1 -Task Package writes (the Test task builds it first) installs from a local PSResource
# repository and works when imported by name in a new process.
BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    $version = (Import-PowerShellDataFile (Join-Path $root 'NmrInversion.psd1')).ModuleVersion
    $nupkg = Join-Path $root "artifacts/packages/NmrInversion.$version.nupkg"
}

Describe 'Installable package' {
    It 'is built with the manifest version' {
        Test-Path $nupkg | Should -BeTrue -Because 'build.ps1 -Task Package (run by -Task Test) writes it'
        (Get-Item $nupkg).Length | Should -BeLessThan 300MB
    }

    It 'publishes to a local repository, installs from it, imports by name and runs a pipeline' {
        $home2 = Join-Path $TestDrive 'home'
        $repo = Join-Path $TestDrive 'repo'
        $modules = Join-Path $TestDrive 'modules'
        New-Item -ItemType Directory -Path $home2, $repo, $modules -Force | Out-Null
        # An isolated data folder keeps the repository registration out of the user's PSResourceGet settings
        # (PSResourceGet keeps them under LocalApplicationData, i.e. $XDG_DATA_HOME on Linux; HOME must stay, since
        # dotnet finds its local tools through the NuGet cache below it).
        $install = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name NmrLocal -Uri '$repo' -Trusted
Publish-PSResource -NupkgPath '$nupkg' -Repository NmrLocal
Save-PSResource -Name NmrInversion -Repository NmrLocal -Path '$modules' -TrustRepository
"@
        $saved = $env:XDG_DATA_HOME
        $env:XDG_DATA_HOME = $home2
        try { & dotnet pwsh -NoProfile -NonInteractive -Command $install } finally { $env:XDG_DATA_HOME = $saved }
        Test-Path (Join-Path $home2 'PSResourceGet') | Should -BeTrue -Because 'the registration went to the isolated folder'
        $LASTEXITCODE | Should -Be 0
        Test-Path (Join-Path $modules "NmrInversion/$version/NmrInversion.psd1") | Should -BeTrue

        $use = @"
`$ErrorActionPreference = 'Stop'
`$env:PSModulePath = '$modules' + [IO.Path]::PathSeparator + `$env:PSModulePath
Import-Module NmrInversion
`$r = New-NmrDistribution -Preset A | New-NmrSignal -Snr 200 -Seed 1 | Invoke-NmrTikhonov | Measure-NmrChi
'{0};{1}' -f (Get-Module NmrInversion).ModuleBase, `$r.Chi2D
"@
        $out = & dotnet pwsh -NoProfile -NonInteractive -Command $use
        $LASTEXITCODE | Should -Be 0
        $base, $chi = ($out | Select-Object -Last 1) -split ';'
        $base | Should -BeLike "$modules*"
        [double]$chi | Should -BeGreaterThan 0
        [double]$chi | Should -BeLessThan 100
    }
}
