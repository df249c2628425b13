BeforeDiscovery {
    $root = Split-Path (Split-Path $PSScriptRoot)
    Import-Module (Join-Path $root 'NmrInversion.psd1') -Force
    $script:cmdletNames = @((Get-Command -Module NmrInversion -CommandType Cmdlet).Name | Sort-Object)
    $script:examples = foreach ($name in $cmdletNames) {
        $i = 0
        foreach ($e in @((Get-Help $name -Full).examples.example)) {
            $i++
            @{ Cmdlet = $name; Index = $i; Code = [string]$e.code }
        }
    }
}

BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    Import-Module (Join-Path $root 'NmrInversion.psd1') -Force
    Import-Module (Join-Path $root 'build/HelpMarkdown.psm1') -Force
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'Help of <_>' -ForEach $cmdletNames {
    BeforeAll { $help = Get-Help $_ -Full; $command = Get-Command $_ }

    It 'has a synopsis, a description, an output type and related links' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$_ *" -Because 'a synopsis that repeats the syntax means the help file was not found'
        ($help.description.Text -join ' ') | Should -Not -BeNullOrEmpty
        $help.returnValues.returnValue.type.name | Should -Not -BeNullOrEmpty
        @($help.relatedLinks.navigationLink).Count | Should -BeGreaterThan 0
    }

    It 'has at least two examples' {
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
    }

    It 'describes every parameter with its type and default' {
        foreach ($p in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $doc = $help.parameters.parameter | Where-Object name -eq $p
            $doc | Should -Not -BeNullOrEmpty -Because "-$p needs help"
            ($doc.description.Text -join ' ') | Should -Not -BeNullOrEmpty -Because "-$p needs a description"
            $doc.type.name | Should -Not -BeNullOrEmpty -Because "-$p needs its type"
            $doc.defaultValue | Should -Not -BeNullOrEmpty -Because "-$p needs its default"
        }
    }
}

Describe 'Help example <Cmdlet> #<Index>' -ForEach $examples {
    It 'runs without error in a fresh runspace with the module imported' {
        $iss = [initialsessionstate]::CreateDefault2()
        $iss.ImportPSModule((Join-Path $root 'NmrInversion.psd1'))
        $ps = [powershell]::Create($iss)
        try {
            $work = Join-Path $TestDrive "example-$Cmdlet-$Index"
            New-Item -ItemType Directory -Path $work -Force | Out-Null
            [void]$ps.AddScript("Set-Location -LiteralPath '$work'; `$ErrorActionPreference = 'Stop'").AddStatement()
            [void]$ps.AddScript($Code)
            $out = $ps.Invoke()
            $errors = @($ps.Streams.Error)
            ($errors | ForEach-Object { $_.ToString() }) -join "`n" | Should -BeNullOrEmpty
            $ps.HadErrors | Should -BeFalse
        }
        finally { $ps.Dispose() }
    }
}

Describe 'about_NmrInversion' {
    It 'runs every example of its EXAMPLES section' {
        $text = Get-Content (Join-Path $root 'module/en-US/about_NmrInversion.help.txt') -Raw
        $section = [regex]::Match($text, '(?ms)^EXAMPLES\s*\r?\n(.*?)^SEE ALSO').Groups[1].Value
        # Examples are blocks of code separated by blank lines; the first paragraph says so and is prose.
        $blocks = @(($section -split '\r?\n\s*\r?\n') | Where-Object { $_.Trim() } | Select-Object -Skip 1)
        $blocks.Count | Should -BeGreaterOrEqual 3
        $i = 0
        foreach ($code in $blocks) {
            $i++
            $iss = [initialsessionstate]::CreateDefault2()
            $iss.ImportPSModule((Join-Path $root 'NmrInversion.psd1'))
            $ps = [powershell]::Create($iss)
            try {
                $work = Join-Path $TestDrive "about-$i"
                New-Item -ItemType Directory -Path $work -Force | Out-Null
                [void]$ps.AddScript("Set-Location -LiteralPath '$work'; `$ErrorActionPreference = 'Stop'").AddStatement()
                [void]$ps.AddScript($code)
                $out = @($ps.Invoke())
                (@($ps.Streams.Error) | ForEach-Object { $_.ToString() }) -join "`n" | Should -BeNullOrEmpty -Because "example $i must run"
                $ps.HadErrors | Should -BeFalse
                $out.Count | Should -BeGreaterThan 0 -Because "example $i shows something"
            }
            finally { $ps.Dispose() }
        }
        # The lab's-day example wrote one row per sample.
        @(Import-Csv (Join-Path $TestDrive 'about-3/day.csv')).Name | Should -Be @('A', 'H')
    }

    It 'explains the concepts a newcomer needs' {
        $text = Get-Help about_NmrInversion | Out-String
        foreach ($word in 'KERNELS', 'SNR', 'UNIT-SUM', 'CHI METRIC', 'MISFIT', 'TRAINING') { $text | Should -Match $word }
    }
}

Describe 'Tab completion' {
    It 'completes -Preset with A..H and their widths as tooltips' {
        $line = 'New-NmrDistribution -Preset '
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $r.CompletionMatches.CompletionText | Should -Be @('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H')
        ($r.CompletionMatches | Where-Object CompletionText -eq 'H').ToolTip | Should -Match '0\.18.*0\.08'
    }

    It 'completes -Experiment with the experiments' {
        $line = 'New-NmrSignal -Experiment '
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $r.CompletionMatches.CompletionText | Should -Contain 'T1T2'
        $r.CompletionMatches.CompletionText | Should -Contain 'DT2'
    }
}

Describe 'Tab completion of models and choices' {
    It 'completes -ModelPath with model cards and describes them' {
        $dir = Join-Path $TestDrive 'models'
        $run = Start-NmrTraining $dir -GridSize 16 -BaseChannels 4 -Depth 2 -BatchSize 8 -Samples 16 -TestSize 8 -ValidationSize 8 -Name tiny
        Set-Content (Join-Path $dir 'notes.json') '{"not": "a model card"}'
        $line = "Invoke-NmrUnetInversion -ModelPath $dir/"
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $texts = @($r.CompletionMatches.CompletionText)
        $texts | Should -Contain "$dir/tiny.json"
        $texts | Should -Not -Contain "$dir/notes.json"
        ($r.CompletionMatches | Where-Object CompletionText -eq "$dir/tiny.json").ToolTip | Should -Match 'depth 2, 4 base channels'
    }

    It 'completes -Device and -AlphaMethod with their values' {
        $line = 'Invoke-NmrUnetInversion -Device '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Sort-Object | Should -Be @('auto', 'cpu', 'cuda')
        $line = 'Invoke-NmrTikhonov -AlphaMethod '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'Gcv'
    }
}

Describe 'Help markdown converter' {
    It 'turns a platyPS page into MAML that keeps examples, parameter metadata and links' {
        $md = @'
---
schema: 2.0.0
---

# Get-Thing

## SYNOPSIS
Gets a thing.

## SYNTAX

```
Get-Thing [-Size <Int32>]
```

## DESCRIPTION
First paragraph.

Second paragraph.

## EXAMPLES

### Example 1: small
```powershell
Get-Thing -Size 2
```

Returns a small thing.

## PARAMETERS

### -Size
How big.

```yaml
Type: Int32
Parameter Sets: (All)
Aliases:

Required: False
Position: Named
Default value: 3
Accept pipeline input: False
Accept wildcard characters: False
```

## OUTPUTS

### System.Object

## RELATED LINKS

[Other-Thing](Other-Thing.md)
'@
        $path = Join-Path $TestDrive 'Get-Thing.md'
        Set-Content -Path $path -Value $md
        $help = ConvertFrom-HelpMarkdown -Path $path
        $help.Name | Should -Be 'Get-Thing'
        $help.Examples[0].Code | Should -Be 'Get-Thing -Size 2'
        $help.Parameters[0].Meta['Default value'] | Should -Be '3'
        $maml = Join-Path $TestDrive 'help.xml'
        $help | ConvertTo-Maml -Path $maml
        [xml]$x = Get-Content $maml -Raw
        $ns = [System.Xml.XmlNamespaceManager]::new($x.NameTable)
        $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
        $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
        $ns.AddNamespace('dev', 'http://schemas.microsoft.com/maml/dev/2004/10')
        $x.SelectSingleNode('//command:details/command:name', $ns).InnerText | Should -Be 'Get-Thing'
        $x.SelectNodes('//maml:description', $ns).Count | Should -BeGreaterThan 2
        $x.SelectSingleNode('//command:example/dev:code', $ns).InnerText | Should -Be 'Get-Thing -Size 2'
        $x.SelectSingleNode('//command:parameters/command:parameter/dev:defaultValue', $ns).InnerText | Should -Be '3'
        $x.SelectSingleNode('//maml:navigationLink/maml:linkText', $ns).InnerText | Should -Be 'Other-Thing'
        @($x.SelectNodes('/*/command:command/maml:description/maml:para', $ns)).Count | Should -Be 2
    }

    It 'reports a cmdlet, a parameter and examples that lack help' {
        $page = [pscustomobject]@{ Name = 'Get-Thing'; Synopsis = 's'; Description = 'd'; Outputs = @(1)
            Examples = @([pscustomobject]@{ Title = 'e'; Code = 'x'; Text = '' })
            Parameters = @([pscustomobject]@{ Name = 'Size'; Text = 't'; Meta = [ordered]@{ Type = 'Int32'; Required = 'False'; Position = 'Named'; 'Default value' = '3'; 'Accept pipeline input' = 'False' } }) }
        $problems = @(Test-HelpCoverage -Help @($page) -Cmdlets @{ 'Get-Thing' = @('Size', 'Colour'); 'Set-Thing' = @() })
        $problems | Should -Contain 'Get-Thing parameter -Colour has no help'
        $problems | Should -Contain 'Get-Thing has 1 example(s); at least two are needed'
        $problems | Should -Contain 'Set-Thing has no help page (docs/en-US/Set-Thing.md)'
    }
}
