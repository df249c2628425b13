# Same seed, same numbers: across runs, processes and cultures.
BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    Import-Module (Join-Path $root 'NmrInversion.psd1') -Force
}

Describe 'Determinism' {
    It 'gives bit-identical signals in a separate process' {
        $here = (New-NmrDistribution -Preset C | New-NmrSignal -Snr 200 -Seed 123).Values[5, 40]
        $code = "Import-Module '$root/NmrInversion.psd1'; (New-NmrDistribution -Preset C | New-NmrSignal -Snr 200 -Seed 123).Values[5, 40].ToString('R', [cultureinfo]::InvariantCulture)"
        $there = & dotnet pwsh -NoProfile -NonInteractive -Command $code
        [double]::Parse(($there | Select-Object -Last 1), [cultureinfo]::InvariantCulture) | Should -Be $here
    }

    It 'gives the same random maps whatever the session culture' {
        $saved = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = 'de-DE'
            $de = (New-NmrDistribution -Random -Count 2 -Seed 9)[1].Values[30, 30]
            [cultureinfo]::CurrentCulture = 'en-US'
            $en = (New-NmrDistribution -Random -Count 2 -Seed 9)[1].Values[30, 30]
        }
        finally { [cultureinfo]::CurrentCulture = $saved }
        $de | Should -Be $en
    }

    It 'pins a noise value so that a change of the generator is noticed' {
        # The noiseless signal of preset A at (t1 = 1e-3 s, t2 = 1e-4 s) is analytic; the noise at seed 1 is pinned.
        $s = New-NmrDistribution -Preset A | New-NmrSignal -Snr 200 -Seed 1
        $clean = New-NmrDistribution -Preset A | New-NmrSignal
        $noise = ($s.Values[0, 0] - $clean.Values[0, 0]) / $s.NoiseSigma
        $noise.ToString('F10', [cultureinfo]::InvariantCulture) | Should -Be '0.9232570607'
    }
}
