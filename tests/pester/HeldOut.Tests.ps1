# examples/Benchmark-HeldOut.ps1 in a reduced form: two random maps, Tikhonov only (the network needs a 64 x 64 model).
BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    $script:out = Join-Path $TestDrive 'heldout'
    $script:script = Join-Path $root 'examples/Benchmark-HeldOut.ps1'
    $script:log = & dotnet pwsh -NoProfile -NonInteractive -File $script:script -Count 2 -Method Tikhonov -OutputPath $script:out 2>&1
    $script:exit = $LASTEXITCODE
}

Describe 'Benchmark-HeldOut.ps1 -Count 2' {
    It 'finishes without error' {
        $script:exit | Should -Be 0 -Because ($script:log | Out-String)
    }

    It 'scores every signal: two maps at SNR 20, 200 and 2000, misfit near 1 for Tikhonov' {
        $rows = @(Import-Csv (Join-Path $script:out 'heldout-Tikhonov.csv'))
        $rows.Count | Should -Be 6
        @($rows.Snr | Sort-Object -Unique { [double]$_ }) | Should -Be @('20', '200', '2000')
        @($rows.Map | Sort-Object -Unique).Count | Should -Be 2
        foreach ($r in $rows) {
            [double]::Parse($r.Chi2D, [cultureinfo]::InvariantCulture) | Should -BeGreaterThan 0
            [double]::Parse($r.Misfit, [cultureinfo]::InvariantCulture) | Should -BeGreaterThan 0.8
            [double]::Parse($r.Misfit, [cultureinfo]::InvariantCulture) | Should -BeLessThan 1.2
        }
    }

    It 'reports the median of the six 2D chi values' {
        $chi = [double[]](Import-Csv (Join-Path $script:out 'heldout-Tikhonov.csv') | ForEach-Object { [double]::Parse($_.Chi2D, [cultureinfo]::InvariantCulture) } | Sort-Object)
        $median = ($chi[2] + $chi[3]) / 2
        $md = Get-Content (Join-Path $script:out 'heldout.md') -Raw
        $md | Should -Match ([regex]::Escape("| all | $($median.ToString('G3', [cultureinfo]::InvariantCulture)) /"))
    }

    It 'reuses a baseline computed for the same maps and seed' {
        $again = & dotnet pwsh -NoProfile -NonInteractive -File $script:script -Count 2 -Method Tikhonov -OutputPath $script:out -Reuse 2>&1
        ($again | Out-String) | Should -Match 'Tikhonov: reused'
    }
}
